/**
 * @module CPU per request and memory of chat2api (issue 12): `bun bench/cpu-per-request.bench.ts [--runs N]
 * [--requests N] [--warmup N] [--soak N] [--difficulty HEX] [--tree DIR | --binary PATH] [--profile DIR] [--write LABEL]`.
 *
 * The emulator stands in for ChatGPT (its own process; proof-of-work difficulty `--difficulty`, `0fffff` by default:
 * ~16 attempts, solved inline). chat2api runs as a child process of its own so that its CPU (utime + stime of all its
 * threads, from /proc/PID/stat) is apart from this load generator's and the emulator's. After `--warmup` requests,
 * per run:
 *   - CPU per non-stream chat completion through chat2api at c=16 (CPU ticks over the run / requests), split by thread
 *     (the main thread, Bun's HTTP client thread, the JIT's and the collector's), and its minor page faults per
 *     request (a machine where faults are dear pays for every page the allocator gave back);
 *   - req/s through chat2api and "direct" (this process doing the upstream protocol itself) at c=16 and c=64;
 * then RSS of the chat2api process 0.5 s and 40 s after the runs (quiet: the idle trim's 30 s passed) and at the peak
 * of 200 streams open at once, for each of `--bursts` bursts one after the other (3 by default: the peak depends on
 * when the collector runs, so one burst says little; the table gives their median and each);
 * `--soak N` then reads the RSS after every tenth of N more requests.
 * `--tree DIR` runs the chat2api of another worktree (before/after); `--binary PATH` runs a compiled chat2api (from
 * `npm run build`) instead of `bun src/main.ts`; `--profile DIR` runs the source under `bun --cpu-prof --cpu-prof-md`
 * and leaves the profile in DIR (written at SIGTERM's graceful exit).
 * `--write LABEL` adds the medians as a row labelled LABEL to the table of the "CPU and memory per request" section.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { directClient } from "./direct-client.ts";
import { argument, cpuMs, dropFromPageCache, load, median, nonStreamChat, rssKiB, statFields, streamsAtOnce, threadCpuMs, threadShares, waitFor } from "./load.ts";

const ROOT = join(import.meta.dir, "..");
const tree = resolve(argument("--tree") ?? ROOT);
const binary = argument("--binary");
/** The difficulty the emulator's chat-requirements announces: `0fffff` (16 attempts) by default, `ff` is one attempt. */
const difficulty = argument("--difficulty") ?? "0fffff";
const runs = Number(argument("--runs") ?? 3);
const requests = Number(argument("--requests") ?? 2000);
/**
 * Requests before measuring: the JIT's compiler threads keep compiling for some 25 000 chats (their CPU per chat falls
 * from 0.18 ms in the first 5000 to 0.02 at 20 000 and ~0 after; RESULTS.md, eighth session), and what a run should
 * show is the cost of a chat once that is done. `--warmup 5000` measures what earlier sessions did.
 */
const warmup = Number(argument("--warmup") ?? 25_000);
/** `--soak N`: after the rest, N more requests at c=16 with the RSS read after every tenth of them (is it flat?). */
const soak = Number(argument("--soak") ?? 0);
const profileDir = argument("--profile");
const writeLabel = argument("--write");
const STREAMS = 200;
const bursts = Number(argument("--bursts") ?? 3);
const IDLE_WAIT_MS = 40_000;
/** Minor page faults of a process so far: pages the allocator handed back and the next request touched again count here. */
function minorFaults(pid: number): number {
  return Number(statFields(pid)[7]);
}


const emulatorPort = 5326;
const chatPort = 5327;
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
const chatUrl = `http://127.0.0.1:${chatPort}`;
const emulator = Bun.spawn([process.execPath, "test/emulator/main.ts"], { cwd: ROOT, env: { ...process.env, EMULATOR_PORT: String(emulatorPort), EMULATOR_POW_DIFFICULTY: difficulty }, stdout: "ignore", stderr: "inherit" });
const dataDir = mkdtempSync(join(tmpdir(), "chat2api-cpu-"));
const profileFlags = profileDir ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${resolve(profileDir)}`] : [];
const chatCommand = binary ? [resolve(binary)] : [process.execPath, ...profileFlags, "src/main.ts"];
if (binary) dropFromPageCache(resolve(binary));
const chat = Bun.spawn(chatCommand, {
  cwd: tree,
  env: { ...process.env, PORT: String(chatPort), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error", POW_WORKERS: "2", MAX_STREAMS_PER_ACCOUNT: "256" },
  stdout: "ignore",
  stderr: "inherit",
});

const { direct, close: closeDirect } = directClient(emulatorUrl);
try {
  await waitFor(`${emulatorUrl}/_emulator/stats`);
  await waitFor(`${chatUrl}/healthz`);
  const viaChat2api = nonStreamChat(chatUrl);

  // warm both paths (tokenizer tables, JIT), then let the request log settle
  await load(direct, 200, 16);
  await load(viaChat2api, warmup, 16);

  const figures = { cpu: [] as number[], faults: [] as number[], c16: [] as number[], c64: [] as number[], d16: [] as number[], d64: [] as number[] };
  const loads: string[] = [];
  for (let run = 0; run < runs; run++) {
    loads.push(loadavg()[0]?.toFixed(1) ?? "?");
    const before = cpuMs(chat.pid);
    const threadsBefore = threadCpuMs(chat.pid);
    const faultsBefore = minorFaults(chat.pid);
    const c16 = await load(viaChat2api, requests, 16);
    const cpu = (cpuMs(chat.pid) - before) / requests;
    const shares = threadShares(threadsBefore, threadCpuMs(chat.pid), requests, readFileSync(`/proc/${chat.pid}/comm`, "utf8").trim());
    figures.faults.push((minorFaults(chat.pid) - faultsBefore) / requests);
    const c64 = await load(viaChat2api, requests, 64);
    const d16 = await load(direct, requests, 16);
    const d64 = await load(direct, requests, 64);
    figures.cpu.push(cpu);
    figures.c16.push(c16.rps);
    figures.c64.push(c64.rps);
    figures.d16.push(d16.rps);
    figures.d64.push(d64.rps);
    console.log(`run ${run + 1} (load ${loads.at(-1)}): CPU ${cpu.toFixed(3)} ms/request, ${figures.faults.at(-1)?.toFixed(1)} minor faults/request (by thread, ms: ${shares}); chat2api ${c16.rps.toFixed(0)} / ${c64.rps.toFixed(0)} req/s, direct ${d16.rps.toFixed(0)} / ${d64.rps.toFixed(0)} req/s (c=16 / c=64)`);
  }

  // RSS just after the runs, then once quiet long enough for main.ts's idle memory trim (30 s, looks every 5 s);
  // the CPU runs come before any quiet spell, since the trim drops the JIT's compiled code
  await Bun.sleep(500);
  const busyRss = rssKiB(chat.pid);
  await Bun.sleep(IDLE_WAIT_MS);
  const idleRss = rssKiB(chat.pid);
  // 200 streams open at once: each answer is 60 words with 40 ms between events (≈ 3 s per stream)
  const peaks: number[] = [];
  let completed = 0;
  for (let burst = 0; burst < bursts; burst++) {
    await fetch(`${emulatorUrl}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: "conversation", times: STREAMS, kind: { type: "slow", delayMs: 40 } }),
    });
    const streams = await streamsAtOnce(chat.pid, STREAMS, (i) =>
      fetch(`${chatUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer anonymous" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `stream ${i} [[words:60]]` }], stream: true }),
      }),
    );
    peaks.push(streams.peakRss);
    completed += streams.completed;
  }
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  if (soak > 0) {
    const step = Math.ceil(soak / 10);
    const samples: string[] = [];
    for (let done = 0; done < soak; done += step) {
      await load(viaChat2api, step, 16);
      await Bun.sleep(IDLE_WAIT_MS);
      samples.push(mib(rssKiB(chat.pid)));
    }
    console.log(`soak: RSS MiB after every ${step} of ${soak} requests (c=16, read ${IDLE_WAIT_MS} ms after each tenth): ${samples.join(", ")}`);
  }
  const row = `| ${writeLabel ?? "-"} | ${median(figures.cpu).toFixed(3)} (${figures.cpu.map((v) => v.toFixed(3)).join(", ")}) | ${median(figures.c16).toFixed(0)} / ${median(figures.c64).toFixed(0)} | ${median(figures.d16).toFixed(0)} / ${median(figures.d64).toFixed(0)} | ${mib(busyRss)} / ${mib(idleRss)} | ${mib(median(peaks))} (${peaks.map(mib).join(", ")}; ${completed}/${STREAMS * bursts} done) | ${loads.join(", ")} |`;
  console.log(`\n| build | CPU ms/request, median (runs) | chat2api req/s c=16 / c=64 | direct req/s c=16 / c=64 | RSS MiB 0.5 s / 40 s after the runs | peak RSS MiB, ${STREAMS} streams: median (bursts) | load avg per run |\n|---|---|---|---|---|---|---|\n${row}`);
  if (writeLabel) {
    const path = join(ROOT, "bench/RESULTS.md");
    const current = readFileSync(path, "utf8");
    const marker = "<!-- cpu-per-request rows -->";
    if (!current.includes(marker)) throw new Error(`bench/RESULTS.md has no ${marker} line to add the row under`);
    writeFileSync(path, current.replace(marker, `${row}\n${marker}`));
  }
} finally {
  await closeDirect();
  chat.kill("SIGTERM");
  await chat.exited;
  emulator.kill();
  await emulator.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
