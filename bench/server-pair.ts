/**
 * @module What the benches that compare two compiled servers share (cpu-pair, idle-memory, gc-cost): their command
 * line, one emulator, both servers started against it with a data directory each, and a non-stream chat to send them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { waitFor } from "./load.ts";

const ROOT = join(import.meta.dir, "..");

/** The two binaries named first on the command line; prints `usage` and exits when they are not there. */
export function twoBinaries(usage: string): [string, string] {
  const binaries = process.argv.slice(2, 4).map((path) => resolve(path));
  if (binaries.length !== 2 || binaries.some((path) => path.startsWith("--"))) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return binaries as [string, string];
}

export interface PairServer {
  name: string;
  binary: string;
  process: Bun.Subprocess<"ignore", "ignore", "inherit" | "pipe">;
  url: string;
  /** One non-stream chat completion; throws unless it answered 200. */
  chat: (n: number) => Promise<void>;
}

export interface ServerPair {
  servers: [PairServer, PairServer];
  /** Both servers and the emulator answer. */
  ready: () => Promise<void>;
  /** Stops all three and removes the data directories. */
  stop: () => Promise<void>;
}

export interface ServerPairOptions {
  /** The emulator's port; the servers listen on the next two. */
  port: number;
  /** More environment for the emulator (`EMULATOR_POW_DIFFICULTY`). */
  emulatorEnv?: Record<string, string>;
  /** More environment for both servers. */
  serverEnv?: Record<string, string>;
  /** "pipe" to read the servers' stderr (it must then be read, or a full pipe stalls them). */
  stderr?: "inherit" | "pipe";
}

export function startServerPair([first, second]: [string, string], { port, emulatorEnv = {}, serverEnv = {}, stderr = "inherit" }: ServerPairOptions): ServerPair {
  const emulatorUrl = `http://127.0.0.1:${port}`;
  const emulator = Bun.spawn([process.execPath, "test/emulator/main.ts"], { cwd: ROOT, env: { ...process.env, EMULATOR_PORT: String(port), ...emulatorEnv }, stdout: "ignore", stderr: "inherit" });
  const dataDirs: string[] = [];
  const start = (binary: string, serverPort: number): PairServer => {
    const dataDir = mkdtempSync(join(tmpdir(), "chat2api-pair-"));
    dataDirs.push(dataDir);
    const child = Bun.spawn([binary], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(serverPort), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error", ...serverEnv },
      stdout: "ignore",
      stderr,
    });
    const url = `http://127.0.0.1:${serverPort}`;
    const chat = async (n: number): Promise<void> => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer anonymous" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `bench ${n}` }] }),
      });
      if (response.status !== 200) throw new Error(`${basename(binary)} answered ${response.status}: ${await response.text()}`);
      await response.json();
    };
    return { name: basename(binary), binary, process: child, url, chat };
  };
  const servers: [PairServer, PairServer] = [start(first, port + 1), start(second, port + 2)];
  return {
    servers,
    ready: async () => {
      await waitFor(`${emulatorUrl}/_emulator/stats`);
      for (const server of servers) await waitFor(`${server.url}/healthz`);
    },
    stop: async () => {
      for (const server of servers) server.process.kill();
      emulator.kill();
      await Promise.all([...servers.map((server) => server.process.exited), emulator.exited]);
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
