/**
 * First-token latency of a plain streaming chat on the web engine, this tree against an older one (run by hand:
 * `bun bench/first-token.bench.ts --before <tree> [--write]`).
 *
 * Why: a request with tools passes its reply through the tool-block parser; one without must stream as before, with
 * no added delay before its first token (issue 10, tool-calls.md §2). The emulator stands in for ChatGPT (a
 * separate process, this tree's), and two chat2api processes run side by side against it: "now" from this tree and
 * "before" from `<tree>` (a worktree of an older commit, node_modules linked). The same streaming chat with no
 * tools (a plus account's access token, gpt-4o, a 40-word answer) is sent one at a time, rounds alternating between
 * the two so the shared machine's load falls on both alike; the time from sending to the first chunk whose delta
 * carries content is measured, and the stream is read to its end. `--write` replaces the "First-token latency"
 * section of bench/RESULTS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { percentile, waitFor } from "./load.ts";

const ROOT = join(import.meta.dir, "..");
const REQUESTS_PER_ROUND = 100;
const ROUNDS = 4;
const WARMUP = 20;

const beforeIndex = process.argv.indexOf("--before");
const beforeTree = beforeIndex > 0 ? process.argv[beforeIndex + 1] : undefined;
if (!beforeTree) {
  console.error("usage: bun bench/first-token.bench.ts --before <chat2api tree> [--write]");
  process.exit(2);
}
const trees = { now: ROOT, before: resolve(beforeTree) };

const emulatorPort = 5316;
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
const emulator = Bun.spawn([process.execPath, "test/emulator/main.ts"], { cwd: ROOT, env: { ...process.env, EMULATOR_PORT: String(emulatorPort) }, stdout: "pipe", stderr: "inherit" });

/** The plus account's access token, from the banner test/emulator/main.ts prints (synthetic, dies with the emulator). */
async function plusAccessToken(): Promise<string> {
  const reader = emulator.stdout.getReader();
  const decoder = new TextDecoder();
  let banner = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the emulator exited before printing its accounts");
    banner += decoder.decode(value, { stream: true });
    const token = /plus account[^\n]*\n\s*access token:\s*(\S+)/.exec(banner)?.[1];
    if (token) {
      reader.releaseLock();
      return token;
    }
  }
}

const dataDirs: string[] = [];
function startChat2api(tree: string, port: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-first-token-"));
  dataDirs.push(dataDir);
  return Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: tree,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, AUTH_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error", POW_WORKERS: "1" },
    stdout: "ignore",
    stderr: "inherit",
  });
}
const servers = { now: { port: 5317, process: startChat2api(trees.now, 5317) }, before: { port: 5318, process: startChat2api(trees.before, 5318) } };

/** Milliseconds from sending the request to the first chunk with content; the stream is then read to its end. */
async function firstTokenMs(port: number, token: string, i: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: `first token ${i} [[words:40]]` }] }),
  });
  if (response.status !== 200 || !response.body) throw new Error(`chat2api on ${port} answered ${response.status}: ${await response.text()}`);
  const decoder = new TextDecoder();
  let buffered = "";
  let first: number | undefined;
  let done = false;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffered += decoder.decode(read.value, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "data: [DONE]") done = true;
      if (first !== undefined || !line.startsWith("data: {")) continue;
      const chunk = JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string | null } }> };
      if (chunk.choices?.[0]?.delta?.content) first = performance.now() - started;
    }
  }
  if (first === undefined || !done) throw new Error(`chat2api on ${port}: a stream with no content or no [DONE]`);
  return first;
}

function summary(values: number[]): { p50: number; p90: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

try {
  await waitFor(`${emulatorUrl}/_emulator/stats`);
  const token = await plusAccessToken();
  await Promise.all(Object.values(servers).map(({ port }) => waitFor(`http://127.0.0.1:${port}/healthz`)));
  const loadBefore = loadavg()[0] ?? NaN;

  const names = ["now", "before"] as const;
  for (const name of names) for (let i = 0; i < WARMUP; i++) await firstTokenMs(servers[name].port, token, i);
  const all: Record<(typeof names)[number], number[]> = { now: [], before: [] };
  const rounds: Record<(typeof names)[number], string[]> = { now: [], before: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // alternate which goes first, so neither always meets the machine right after the other
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const values: number[] = [];
      for (let i = 0; i < REQUESTS_PER_ROUND; i++) values.push(await firstTokenMs(servers[name].port, token, i));
      all[name].push(...values);
      const { p50, p90 } = summary(values);
      rounds[name].push(`${p50.toFixed(2)}/${p90.toFixed(2)}`);
      console.log(`round ${round + 1} ${name}: p50 ${p50.toFixed(2)} ms, p90 ${p90.toFixed(2)} ms`);
    }
  }
  const loadAfter = loadavg()[0] ?? NaN;

  const commit = (tree: string) => Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: tree }).stdout.toString().trim();
  const rows = names.map((name) => {
    const { p50, p90 } = summary(all[name]);
    return `| ${name} (\`${commit(trees[name])}\`) | ${p50.toFixed(2)} | ${p90.toFixed(2)} | ${rounds[name].join("; ")} |`;
  });
  const machine = `nproc ${cpus().length}, ${cpus()[0]?.model ?? "unknown CPU"}, Bun ${Bun.version}`;
  const section = `## First-token latency (web engine, no tools)

\`bun bench/first-token.bench.ts --before <worktree> --write\` — ${new Date().toISOString().slice(0, 10)}, ${machine}; load
average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (the cores are shared with other work).
A streaming chat with no tools (gpt-4o, a plus account's access token, a 40-word answer), one request at a time, from
sending to the first chunk whose delta carries content; ${ROUNDS} rounds of ${REQUESTS_PER_ROUND} per tree after ${WARMUP} warm-up
requests each, rounds alternating between two chat2api processes against one emulator process (this tree's), all on the
same cores. "before" = a worktree of the parent of the first tool-stream commit (no tool prompt, no tool-block parser);
"now" = the tree with tools on the web engine.

| chat2api | p50 ms (all rounds) | p90 ms | rounds (p50/p90 ms) |
|---|---|---|---|
${rows.join("\n")}
`;
  console.log(`\n${section}`);
  if (process.argv.includes("--write")) {
    const path = join(ROOT, "bench/RESULTS.md");
    const current = readFileSync(path, "utf8");
    const without = current.replace(/## First-token latency \(web engine, no tools\)[\s\S]*?(?=\n## |$)/, "").trimEnd();
    writeFileSync(path, `${without}\n\n${section}`);
  }
} finally {
  for (const { process: child } of Object.values(servers)) child.kill();
  emulator.kill();
  await Promise.all([...Object.values(servers).map(({ process: child }) => child.exited), emulator.exited]);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
