/**
 * @module Where two servers' CPU a chat goes by thread and by kind of code (issue 12): `bun bench/perf-split.bench.ts A B
 * [--requests N] [--warmup N] [--frequency HZ]`, where A and B are compiled servers (`npm run build`, or the floor of
 * `upstream-floor-server.ts`) run against one emulator as in cpu-pair.bench.ts.
 *
 * The machines these benches run on have no hardware counters, and Bun's binary has no symbols, so neither a count of
 * instructions nor a profile by native function is to be had. What is: Linux's `perf record -e cpu-clock` (a software
 * timer, Debian's linux-perf) samples each thread wherever it runs, and tells apart code of the executable (Bun's
 * runtime, JavaScriptCore's interpreter and its allocators), code the JIT wrote, the kernel and libc. After `--warmup`
 * chats to each in turns, each server in turn gets `--requests` non-stream chats at c=16 under `perf record`; the table
 * gives the CPU a chat from /proc (as cpu-pair) beside what the samples put in each thread and kind of code, in ms a
 * chat. Run as root, or with `kernel.perf_event_paranoid` at 0 or below, for the kernel's share.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { argument, cpuMs, load } from "./load.ts";
import { startServerPair, twoBinaries } from "./server-pair.ts";

const USAGE = "bun bench/perf-split.bench.ts BINARY_A BINARY_B [--requests N] [--warmup N] [--frequency HZ]";
const requests = Number(argument("--requests") ?? 6000);
const warmup = Number(argument("--warmup") ?? 25_000);
const frequency = Number(argument("--frequency") ?? 2000);
const binaries = twoBinaries(USAGE);
if (Bun.which("perf") === null) {
  console.error("perf is not installed (Debian: apt-get install linux-perf)");
  process.exit(2);
}

/** Kinds of code a sample can fall in, by perf's name of the mapping it hit. */
function kindOf(dso: string, executable: string): string {
  if (dso === executable) return "executable";
  if (dso.startsWith("[JIT]")) return "JIT";
  if (dso === "[kernel.kallsyms]") return "kernel";
  if (dso.startsWith("libc.so")) return "libc";
  return "other";
}

const KINDS = ["executable", "JIT", "kernel", "libc", "other"];

/** All samples of one thread. */
const sum = (kinds: Map<string, number>): number => [...kinds.values()].reduce((a, b) => a + b, 0);

/** Samples by thread name and kind of code, from `perf report` of one recording. */
function samplesByThread(data: string, executable: string): Map<string, Map<string, number>> {
  const report = Bun.spawnSync(["perf", "report", "-i", data, "--sort", "comm,dso", "-F", "sample,comm,dso", "-t", "|", "--stdio"], { stdout: "pipe", stderr: "ignore" });
  if (report.exitCode !== 0) throw new Error(`perf report failed on ${data}`);
  const byThread = new Map<string, Map<string, number>>();
  for (const line of report.stdout.toString().split("\n")) {
    if (line.startsWith("#") || !line.includes("|")) continue;
    const [samples, comm, dso] = line.split("|").map((field) => field.trim());
    if (!samples || !comm || !dso) continue;
    const kinds = byThread.get(comm) ?? new Map<string, number>();
    const kind = kindOf(dso, executable);
    kinds.set(kind, (kinds.get(kind) ?? 0) + Number(samples));
    byThread.set(comm, kinds);
  }
  return byThread;
}

const pair = startServerPair(binaries, {
  port: 5366,
  emulatorEnv: { EMULATOR_POW_DIFFICULTY: "0fffff" },
  serverEnv: { POW_WORKERS: "2", MAX_STREAMS_PER_ACCOUNT: "256" },
});
const workDir = mkdtempSync(join(tmpdir(), "chat2api-perf-"));
try {
  await pair.ready();
  for (let done = 0; done < warmup; done += 3000) for (const server of pair.servers) await load(server.chat, Math.min(3000, warmup - done), 16);
  const msPerSample = 1000 / frequency;
  const rows: string[] = [];
  for (const server of pair.servers) {
    const data = join(workDir, `${server.name}.data`);
    const pid = server.process.pid;
    const perf = Bun.spawn(["perf", "record", "-e", "cpu-clock", "-F", String(frequency), "-p", String(pid), "-o", data], { stdout: "ignore", stderr: "pipe" });
    // perf prints nothing until it stops; give it a moment to attach to every thread before the chats start
    await Bun.sleep(300);
    const before = cpuMs(pid);
    await load(server.chat, requests, 16);
    const cpu = (cpuMs(pid) - before) / requests;
    perf.kill("SIGINT");
    await perf.exited;
    const mainName = (await Bun.file(`/proc/${pid}/comm`).text()).trim();
    const threads = samplesByThread(data, basename(server.binary));
    const perChat = (samples: number) => ((samples * msPerSample) / requests).toFixed(3);
    const total = [...threads.values()].reduce((all, kinds) => all + sum(kinds), 0);
    for (const [thread, kinds] of [...threads].sort((a, b) => sum(b[1]) - sum(a[1]))) {
      if (sum(kinds) * msPerSample < requests * 0.005) continue; // under 0.005 ms a chat
      rows.push(`| ${server.name} | ${thread === mainName ? "main" : thread} | ${KINDS.map((kind) => perChat(kinds.get(kind) ?? 0)).join(" | ")} | ${perChat(sum(kinds))} |`);
    }
    rows.push(`| ${server.name} | **all** (from /proc: ${cpu.toFixed(3)}; load ${loadavg()[0]?.toFixed(1)}) | | | | | | **${perChat(total)}** |`);
  }
  console.log(`\n${requests} chats each at c=16, sampled at ${frequency} Hz; ms a chat\n`);
  console.log(`| server | thread | ${KINDS.join(" | ")} | all |\n|---|---|${KINDS.map(() => "---|").join("")}---|\n${rows.join("\n")}`);
} finally {
  await pair.stop();
  rmSync(workDir, { recursive: true, force: true });
}
