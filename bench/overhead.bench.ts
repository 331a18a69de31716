/**
 * Request overhead and memory of chat2api (run by hand: `bun bench/overhead.bench.ts [--write]`).
 *
 * Why: chat2api sits between every client and ChatGPT; what it adds to each request must be small next to the
 * upstream's own cost. The emulator stands in for ChatGPT (a separate process), and the same load of short
 * non-stream completions is sent
 *   - "direct": by this process to the emulator with our upstream client (sentinel ▸ proof-of-work ▸ conversation,
 *     stream read to the end): the protocol work any client of ChatGPT's web backend must do;
 *   - "chat2api": over HTTP to a chat2api process (a fresh one) pointed at the same emulator.
 * Then resident memory of the chat2api process: idle, and while 200 slow streams are open at once.
 * `--write` replaces the "Request overhead" section of bench/RESULTS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { directClient } from "./direct-client.ts";
import { load, median, rssKiB, streamsAtOnce, waitFor } from "./load.ts";

const ROOT = join(import.meta.dir, "..");
const REQUESTS = 300;
const CONCURRENCY = 8;
const ROUNDS = 3;
const STREAMS = 200;

const emulatorPort = 5306;
const chatPort = 5307;
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
const emulator = Bun.spawn(["bun", "test/emulator/main.ts"], { cwd: ROOT, env: { ...process.env, EMULATOR_PORT: String(emulatorPort) }, stdout: "ignore", stderr: "inherit" });
const dataDir = mkdtempSync(join(tmpdir(), "chat2api-bench-"));
const chat = Bun.spawn(["bun", "src/main.ts"], {
  cwd: ROOT,
  // the 200-stream probe is one no-login caller: its bucket must hold them all (MAX_STREAMS_PER_ACCOUNT is 32 by default)
  env: { ...process.env, PORT: String(chatPort), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error", POW_WORKERS: "2", MAX_STREAMS_PER_ACCOUNT: "256" },
  stdout: "ignore",
  stderr: "inherit",
});

try {
  await waitFor(`${emulatorUrl}/_emulator/stats`);
  await waitFor(`http://127.0.0.1:${chatPort}/healthz`);

  const { direct, close: closeDirect } = directClient(emulatorUrl);
  const viaChat2api = async (i: number): Promise<void> => {
    const response = await fetch(`http://127.0.0.1:${chatPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer anonymous" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `bench ${i}` }] }),
    });
    if (response.status !== 200) throw new Error(`chat2api answered ${response.status}: ${await response.text()}`);
    await response.json();
  };

  // warm both paths (tokenizer tables, JIT)
  await load(direct, 20, 4);
  await load(viaChat2api, 20, 4);
  const idleRss = rssKiB(chat.pid);

  const rows: string[] = [];
  const raw: Record<string, string[]> = { direct: [], chat2api: [] };
  const medians: Record<string, { p50: number[]; p99: number[]; rps: number[] }> = { direct: { p50: [], p99: [], rps: [] }, chat2api: { p50: [], p99: [], rps: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of [["direct", direct], ["chat2api", viaChat2api]] as const) {
      const result = await load(fn, REQUESTS, CONCURRENCY);
      medians[name]?.p50.push(result.p50);
      medians[name]?.p99.push(result.p99);
      medians[name]?.rps.push(result.rps);
      raw[name]?.push(`${result.p50.toFixed(1)}/${result.p99.toFixed(1)} ms, ${result.rps.toFixed(0)}/s`);
      console.log(`round ${round + 1} ${name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.rps.toFixed(0)} req/s`);
    }
  }
  for (const name of ["direct", "chat2api"]) {
    const m = medians[name];
    if (!m) continue;
    rows.push(`| ${name} | ${median(m.p50).toFixed(1)} | ${median(m.p99).toFixed(1)} | ${median(m.rps).toFixed(0)} | ${raw[name]?.join("; ")} |`);
  }

  // 200 streams open at once: each answer is 60 words with 40 ms between events (≈ 3 s per stream)
  await fetch(`${emulatorUrl}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ endpoint: "conversation", times: STREAMS, kind: { type: "slow", delayMs: 40 } }),
  });
  const { peakRss, peakOpen, completed, seconds: streamSeconds } = await streamsAtOnce(chat.pid, STREAMS, (i) =>
    fetch(`http://127.0.0.1:${chatPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer anonymous" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `stream ${i} [[words:60]]` }], stream: true }),
    }),
  );
  const machine = `nproc ${cpus().length}, ${cpus()[0]?.model ?? "unknown CPU"}, Bun ${Bun.version}`;
  const section = `## Request overhead

\`bun bench/overhead.bench.ts --write\` — ${new Date().toISOString().slice(0, 10)}, ${machine}.
${REQUESTS} short non-stream completions per round at concurrency ${CONCURRENCY}, ${ROUNDS} rounds; the emulator runs in its own
process on the same 2 cores (so every figure includes its cost too). "direct" = this process doing the upstream protocol
itself (sentinel, proof-of-work in 2 Workers, conversation stream read to the end); "chat2api" = the same requests through
a chat2api process over HTTP (validation, model resolution, tokenizer usage, rendering, JSON).

| path | p50 ms (median of rounds) | p99 ms | req/s | raw rounds (p50/p99, req/s) |
|---|---|---|---|---|
${rows.join("\n")}

Resident memory of the chat2api process (VmRSS): idle after warm-up **${(idleRss / 1024).toFixed(1)} MiB**; with ${STREAMS} streams
open at once (peak ${peakOpen} concurrently reading, each ≈ 60 words at 40 ms per event): peak **${(peakRss / 1024).toFixed(1)} MiB**;
${completed}/${STREAMS} streams ended with \`data: [DONE]\`, all done in ${streamSeconds.toFixed(1)} s.
`;
  console.log(`\n${section}`);
  if (process.argv.includes("--write")) {
    const path = join(ROOT, "bench/RESULTS.md");
    const current = readFileSync(path, "utf8");
    const without = current.replace(/## Request overhead[\s\S]*?(?=\n## |$)/, "").trimEnd();
    writeFileSync(path, `${without}\n\n${section}`);
  }
  await closeDirect();
} finally {
  chat.kill();
  emulator.kill();
  await Promise.all([chat.exited, emulator.exited]);
  rmSync(dataDir, { recursive: true, force: true });
}
