/**
 * @module A place to run a real coding agent (the npm-installed Codex CLI, opencode or qwen-code) offline: a temporary
 * HOME and working directory, an environment built from nothing (so no setting or key of the developer's leaks in),
 * and every proxy variable pointed at a local listener that tunnels only to 127.0.0.1 and refuses and records every
 * other connection. The agents are configured to reach only chat2api on 127.0.0.1 (NO_PROXY, or the tunnel for an
 * agent that ignores it); anything else they try shows up in `outsideAttempts()`.
 */
import { expect } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The binaries of the pinned devDependencies (`npm install` puts them there). */
export function agentBin(name: "codex" | "opencode" | "qwen"): string {
  return join(import.meta.dir, "..", "..", "node_modules", ".bin", name);
}

export interface AgentRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the run was killed at its deadline. */
  timedOut: boolean;
}

export interface AgentSandbox extends AsyncDisposable {
  home: string;
  /** The agent's working directory: the task's files land here. */
  workDir: string;
  /** Writes a file under HOME (parents created): the agent's own configuration. */
  writeInHome(relativePath: string, content: string): string;
  /** The file's content in the working directory, or null when the agent did not create it. */
  readResult(name: string): string | null;
  /** The CONNECT/request lines of every connection the agent tried beyond 127.0.0.1. */
  outsideAttempts(): string[];
  run(argv: string[], options: { env?: Record<string, string>; timeoutMs: number }): Promise<AgentRun>;
}

/**
 * Listens on 127.0.0.1 as every proxy variable's target. A `CONNECT` to 127.0.0.1 or localhost is tunnelled there
 * (agents such as qwen-code send all their traffic through the proxy, ignoring NO_PROXY, so chat2api is reached that
 * way); any other connection is answered with a 403 that closes it, so an HTTP client fails fast instead of waiting
 * on a dead port, and its first line (`CONNECT host:443 …`) is kept.
 */
function startRefusingProxy(): { url: string; attempts: string[]; stop(): void } {
  const attempts: string[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    return socket;
  };
  const server = createServer((client) => {
    track(client);
    client.once("data", (head: Buffer) => {
      // no listener until the tunnel is up: paused, so nothing the client sends meanwhile is lost
      client.pause();
      const text = head.toString("latin1");
      const firstLine = text.split("\r\n")[0] ?? "";
      const loopback = /^CONNECT (?:127\.0\.0\.1|localhost):(\d+) /i.exec(firstLine);
      if (!loopback) {
        attempts.push(firstLine);
        client.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
      }
      const rest = head.subarray(Buffer.byteLength(text.slice(0, text.indexOf("\r\n\r\n") + 4), "latin1"));
      const upstream = track(connect(Number(loopback[1]), "127.0.0.1"));
      upstream.once("connect", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on("close", () => client.destroy());
      client.on("close", () => upstream.destroy());
    });
  });
  server.listen(0, "127.0.0.1");
  // Bun binds at once, so the port is known here (the sandbox is made synchronously)
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    stop: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

function proxyEnv(url: string): Record<string, string> {
  const names = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"];
  const local = "127.0.0.1,localhost";
  return Object.fromEntries([...names.flatMap((n) => [[n, url], [n.toLowerCase(), url]]), ["NO_PROXY", local], ["no_proxy", local]]);
}

export function startAgentSandbox(): AgentSandbox {
  const root = mkdtempSync(join(tmpdir(), "chat2api-agent-"));
  const home = join(root, "home");
  const workDir = join(root, "work");
  mkdirSync(home);
  mkdirSync(workDir);
  const proxy = startRefusingProxy();
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    XDG_CACHE_HOME: join(home, ".cache"),
    TMPDIR: tmpdir(),
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    ...proxyEnv(proxy.url),
  };
  return {
    home,
    workDir,
    writeInHome(relativePath, content) {
      const path = join(home, relativePath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    readResult(name) {
      try {
        return readFileSync(join(workDir, name), "utf8");
      } catch {
        return null;
      }
    },
    outsideAttempts: () => [...proxy.attempts],
    async run(argv, { env = {}, timeoutMs }) {
      // output goes to files, not pipes: a grandchild left behind by a killed agent cannot hold the test open
      const stdoutPath = join(root, "agent.stdout");
      const stderrPath = join(root, "agent.stderr");
      const child = Bun.spawn(argv, { cwd: workDir, env: { ...baseEnv, ...env }, stdin: "ignore", stdout: Bun.file(stdoutPath), stderr: Bun.file(stderrPath) });
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      const exitCode = await child.exited;
      clearTimeout(deadline);
      return { exitCode, stdout: readFileSync(stdoutPath, "utf8"), stderr: readFileSync(stderrPath, "utf8"), timedOut };
    },
    async [Symbol.asyncDispose]() {
      proxy.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function describeRun(run: AgentRun): string {
  const tail = (text: string): string => text.split("\n").slice(-40).join("\n");
  return `exit ${run.exitCode}${run.timedOut ? " (killed at the deadline)" : ""}\n--- stdout\n${tail(run.stdout)}\n--- stderr\n${tail(run.stderr)}`;
}

/** The agent left `name` holding `content` in its working directory and exited 0; when not, what it printed is shown. */
export function expectFileCreated(sandbox: AgentSandbox, run: AgentRun, name: string, content: string): void {
  const created = sandbox.readResult(name);
  if (created !== content || run.exitCode !== 0) console.error(describeRun(run));
  expect({ [name]: created, exitCode: run.exitCode }).toEqual({ [name]: content, exitCode: 0 });
}
