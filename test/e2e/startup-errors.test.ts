/**
 * @module `bun src/main.ts` as an operator runs it: every start-up failure is one line naming the setting and what to
 * do, with exit 2 for a configuration error and 1 for what a retry may fix; a misspelled variable is a warning;
 * `--healthcheck` answers for the server beside it. Permission cases run as an unprivileged user (setpriv to
 * nobody when the suite runs as root, whom file modes do not stop).
 */
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "../../src/main.ts");
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const setpriv = asRoot ? Bun.which("setpriv") : null;

const base = mkdtempSync(join(tmpdir(), "chat2api-startup-"));
// the unprivileged child must reach its folders
if (asRoot) chownSync(base, NOBODY, NOBODY);
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));

function folder(name: string, mode = 0o700): string {
  const path = join(base, name);
  mkdirSync(path, { recursive: true });
  if (asRoot) chownSync(path, NOBODY, NOBODY);
  chmodSync(path, mode);
  return path;
}

interface SpawnOptions {
  env: Record<string, string>;
  args?: string[];
  /** Run as nobody when the suite is root. */
  unprivileged?: boolean;
}

let compiled: string | null = null;

/**
 * nobody may not read the checkout (a clone in a 0700 temporary folder, as CI makes), nor Bun inside it: the
 * unprivileged cases run the single executable, built once into the world-readable test folder.
 */
function unprivilegedServer(): string {
  if (compiled) return compiled;
  const outfile = join(base, "chat2api");
  const build = Bun.spawnSync(
    [process.execPath, "build", "--compile", "--minify", "src/main.ts", "src/engines/web/pow/worker.ts", "--outfile", outfile],
    { cwd: join(import.meta.dir, "../.."), stdout: "pipe", stderr: "pipe" },
  );
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  compiled = outfile;
  return outfile;
}

function spawnMain({ env, args = [], unprivileged = false }: SpawnOptions) {
  const drop = unprivileged && asRoot;
  if (drop && !setpriv) throw new Error("running as root without setpriv (util-linux): cannot test file permissions");
  const prefix = drop && setpriv ? [setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--inh-caps=-all"] : [];
  const server = drop ? [unprivilegedServer()] : [process.execPath, MAIN];
  return Bun.spawn([...prefix, ...server, ...args], {
    // nothing of the suite's own environment leaks in (a stray AUTHORIZATION, a misspelled variable)
    env: { PATH: process.env.PATH ?? "", HOME: base, POW_WORKERS: "1", LOG_FORMAT: "json", HOST: "127.0.0.1", PORT: "0", ...env },
    cwd: base,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** Runs to its exit (a start that fails must not hang): the exit code and the non-empty output lines. */
async function runToExit(options: SpawnOptions): Promise<{ exitCode: number; lines: string[] }> {
  const child = spawnMain(options);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, lines: `${stdout}${stderr}`.split("\n").filter((line) => line.trim() !== "") };
}

/** The message of the single error line. */
function errorLine(lines: string[]): string {
  const errors = lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((entry) => entry.level === "error");
  expect(errors).toHaveLength(1);
  return errors[0]?.msg ?? "";
}

test("HOST that is no address of this machine: exit 2 naming HOST", async () => {
  const { exitCode, lines } = await runToExit({ env: { HOST: "nonsense.invalid", DATA_DIR: folder("host") } });
  expect(exitCode).toBe(2);
  expect(errorLine(lines)).toMatch(/^chat2api could not start: HOST="nonsense\.invalid": cannot listen on it .*set HOST to a name or address of this machine/);
}, 30_000);

test("a PORT already in use: exit 1 (a retry may find it free) naming PORT", async () => {
  using held = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") });
  const { exitCode, lines } = await runToExit({ env: { PORT: String(held.port), DATA_DIR: folder("port") } });
  expect(exitCode).toBe(1);
  expect(errorLine(lines)).toBe(
    `chat2api could not start: PORT=${held.port}: the port is already in use on 127.0.0.1 (another process, or a previous chat2api still stopping); stop it or set PORT to a free port.`,
  );
}, 30_000);

test("a DATA_DIR that cannot be created: exit 2 naming DATA_DIR and the folder", async () => {
  const locked = folder("locked", 0o555);
  const dataDir = join(locked, "data");
  const { exitCode, lines } = await runToExit({ env: { DATA_DIR: dataDir }, unprivileged: true });
  expect(exitCode).toBe(2);
  const message = errorLine(lines);
  expect(message).toStartWith(`chat2api could not start: DATA_DIR="${dataDir}": cannot use the folder ${dataDir} (permission denied); the folder ${dataDir} must exist and be writable`);
  expect(message).not.toContain("EACCES");
}, 30_000);

test("a read-only database: exit 2 naming DATA_DIR, the file and what must be writable", async () => {
  const dataDir = folder("readonly");
  const file = join(dataDir, "chat2api.db");
  new Database(file, { create: true }).close();
  if (asRoot) chownSync(file, NOBODY, NOBODY);
  chmodSync(file, 0o400);
  chmodSync(dataDir, 0o500);
  const { exitCode, lines } = await runToExit({ env: { DATA_DIR: dataDir }, unprivileged: true });
  chmodSync(dataDir, 0o700);
  expect(exitCode).toBe(2);
  expect(errorLine(lines)).toMatch(
    new RegExp(`^chat2api could not start: DATA_DIR="${dataDir}": the database ${file} is read-only \\(.*\\); the folder ${dataDir} must exist and be writable, and the file with its -wal and -shm readable and writable, by the user chat2api runs as \\(uid \\d+\\)`),
  );
}, 30_000);

test("DATA_DIR that is a file: exit 2 naming DATA_DIR", async () => {
  const file = join(folder("afile"), "not-a-folder");
  writeFileSync(file, "");
  const { exitCode, lines } = await runToExit({ env: { DATA_DIR: join(file, "data") } });
  expect(exitCode).toBe(2);
  expect(errorLine(lines)).toContain(`DATA_DIR="${join(file, "data")}": cannot use the folder`);
}, 30_000);

test("an unreachable DATABASE_URL: exit 1 (it may come up) naming DATABASE_URL, never its password", async () => {
  // port 1 on loopback: refused at once, no PostgreSQL needed
  const { exitCode, lines } = await runToExit({ env: { DATABASE_URL: "postgres://chat2api:s3cret-pw@127.0.0.1:1/pool" } });
  expect(exitCode).toBe(1);
  const message = errorLine(lines);
  expect(message).toStartWith("chat2api could not start: DATABASE_URL: PostgreSQL at 127.0.0.1:1/pool is unreachable (");
  expect(message).toEndWith("check that it runs and that DATABASE_URL names the right host and port.");
  expect(lines.join("\n")).not.toContain("s3cret-pw");
}, 30_000);

test("an invalid value stops before anything starts: exit 2, one line", async () => {
  const { exitCode, lines } = await runToExit({ env: { RETRY_TIMES: "abc" } });
  expect(exitCode).toBe(2);
  expect(lines).toEqual(['chat2api: Invalid RETRY_TIMES="abc": expected a whole number 0-20.']);
}, 30_000);

async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<{ match: RegExpExecArray; seen: string }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server exited before ${pattern}: ${seen}`);
    seen += decoder.decode(value, { stream: true });
    const match = pattern.exec(seen);
    if (match) {
      reader.releaseLock();
      return { match, seen };
    }
  }
}

test("a misspelled variable is a warning naming the intended one; --healthcheck answers 0 while it serves, 1 after", async () => {
  const dataDir = folder("typo");
  const server = spawnMain({ env: { DATA_DIR: dataDir, AUTHORISATION: "secret", CHATGPT_BASEURL: "http://127.0.0.1:9", API_PREFIX: "hidden" } });
  try {
    const { match, seen } = await readUntil(server.stderr, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const warnings = seen.split("\n").filter((line) => line.includes('"level":"warn"')).map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(warnings).toEqual([
      "AUTHORISATION is not a chat2api setting and is ignored; did you mean AUTHORIZATION?",
      "CHATGPT_BASEURL is not a chat2api setting and is ignored; did you mean CHATGPT_BASE_URL?",
    ]);
    const port = match[1] ?? "";
    const alive = await runToExit({ env: { PORT: port, API_PREFIX: "hidden" }, args: ["--healthcheck"] });
    expect(alive).toEqual({ exitCode: 0, lines: [`chat2api healthcheck: http://127.0.0.1:${port}/<API_PREFIX>/healthz answered 200`] });
    // the prefix is part of the path: without it the server answers 404, and the check says so
    const wrongPrefix = await runToExit({ env: { PORT: port }, args: ["--healthcheck"] });
    expect(wrongPrefix).toEqual({ exitCode: 1, lines: [`chat2api healthcheck: http://127.0.0.1:${port}/healthz answered 404`] });
    server.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const dead = await runToExit({ env: { PORT: port, API_PREFIX: "hidden" }, args: ["--healthcheck"] });
    expect(dead.exitCode).toBe(1);
    expect(dead.lines).toHaveLength(1);
    expect(dead.lines[0]).toStartWith(`chat2api healthcheck: http://127.0.0.1:${port}/<API_PREFIX>/healthz did not answer: `);
  } finally {
    server.kill("SIGKILL");
  }
}, 30_000);
