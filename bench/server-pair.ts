/**
 * @module What the benches that compare two compiled servers share (cpu-pair, idle-memory, gc-cost): their command
 * line, one emulator (or bench/upstream-stub.ts), both servers started against it with a data directory each, optionally
 * pinned to a core of their own, and a non-stream chat to send them.
 *
 * The web generation is the emulator's: 2024 (the default) answers a no-login chat in two calls (chat-requirements,
 * conversation); 2026 refuses no-login chats, as chatgpt.com does, so there the chat is a plus account's, with its
 * access token as the API key (read from the emulator's banner), in four calls (sentinel prepare and finalize,
 * `f/conversation/prepare`, `f/conversation`) — the path a 2026 user's chat takes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { dropFromPageCache, waitFor } from "./load.ts";

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
  /** The emulator's web generation (2024 by default). */
  generation?: WebGeneration;
  /** `stub`: bench/upstream-stub.ts stands in for the emulator (2024, no-login chats only; `emulatorEnv`'s difficulty kept). */
  upstream?: UpstreamKind;
  /**
   * Both servers on the first core, the upstream and this process (the load) on the second: a server's CPU a chat is
   * then its own, not what it pays for sharing both cores with the benches' other processes (as it would not with
   * chatgpt.com, which is elsewhere).
   */
  pin?: boolean;
}

export type WebGeneration = "2024" | "2026";
export type UpstreamKind = "emulator" | "stub";

/** `--upstream emulator|stub` from the command line (the emulator when absent); exits with `usage` on anything else. */
export function upstreamArgument(value: string | undefined, generation: WebGeneration, usage: string): UpstreamKind {
  if (value === undefined || value === "emulator") return "emulator";
  if (value === "stub" && generation === "2024") return "stub";
  console.error(value === "stub" ? "the stub speaks the 2024 generation only" : `usage: ${usage}`);
  return process.exit(2);
}

/** `--generation 2024|2026` from the command line (2024 when absent); exits with `usage` on anything else. */
export function generationArgument(value: string | undefined, usage: string): WebGeneration {
  if (value === undefined) return "2024";
  if (value === "2024" || value === "2026") return value;
  console.error(`usage: ${usage}`);
  return process.exit(2);
}

/** The plus account's access token from the emulator's banner (test/emulator/main.ts prints it for this). */
async function plusAccessToken(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  const reader = stdout.getReader();
  let banner = "";
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    banner += decoder.decode(next.value, { stream: true });
    const token = /^plus account[^\n]*\n\s*access token:\s*(\S+)/m.exec(banner)?.[1];
    if (token) return token;
  }
  throw new Error("the emulator ended before printing the plus account's access token");
}

/** The command that runs `command` on CPU `core` alone (util-linux's taskset), or `command` itself when not pinning. */
function onCore(core: number | null, command: string[]): string[] {
  return core === null ? command : ["taskset", "--cpu-list", String(core), ...command];
}

/** Keeps this process, every thread of it, on CPU `core` (its later threads inherit it). */
function pinSelf(core: number): void {
  const pinned = Bun.spawnSync(["taskset", "--all-tasks", "--cpu-list", "--pid", String(core), String(process.pid)], { stdout: "ignore", stderr: "pipe" });
  if (pinned.exitCode !== 0) throw new Error(`taskset could not pin the bench to CPU ${core}: ${pinned.stderr.toString().trim()}`);
}

export function startServerPair([first, second]: [string, string], { port, emulatorEnv = {}, serverEnv = {}, stderr = "inherit", generation = "2024", upstream = "emulator", pin = false }: ServerPairOptions): ServerPair {
  const emulatorUrl = `http://127.0.0.1:${port}`;
  const stub = upstream === "stub";
  if (pin) pinSelf(1);
  const emulator = Bun.spawn(onCore(pin ? 1 : null, [process.execPath, stub ? "bench/upstream-stub.ts" : "test/emulator/main.ts"]), {
    cwd: ROOT,
    env: stub
      ? { ...process.env, STUB_PORT: String(port), STUB_POW_DIFFICULTY: emulatorEnv.EMULATOR_POW_DIFFICULTY ?? "0fffff" }
      : { ...process.env, EMULATOR_PORT: String(port), EMULATOR_WEB_GENERATION: generation, ...emulatorEnv },
    stdout: "pipe",
    stderr: "inherit",
  });
  // the rest of the banner is not read: it is written once, and nothing after it goes to stdout
  const apiKey = generation === "2026" ? plusAccessToken(emulator.stdout) : Promise.resolve("anonymous");
  const model = generation === "2026" ? "gpt-5-6" : "gpt-4o-mini";
  const dataDirs: string[] = [];
  const start = (binary: string, serverPort: number): PairServer => {
    const dataDir = mkdtempSync(join(tmpdir(), "chat2api-pair-"));
    dataDirs.push(dataDir);
    dropFromPageCache(binary);
    const child = Bun.spawn(onCore(pin ? 0 : null, [binary]), {
      cwd: ROOT,
      env: { ...process.env, PORT: String(serverPort), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error", ...serverEnv },
      stdout: "ignore",
      stderr,
    });
    const url = `http://127.0.0.1:${serverPort}`;
    const chat = async (n: number): Promise<void> => {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await apiKey}` },
        body: JSON.stringify({ model, messages: [{ role: "user", content: `bench ${n}` }] }),
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
      await waitFor(`${emulatorUrl}${stub ? "/_stub/stats" : "/_emulator/stats"}`);
      await apiKey;
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
