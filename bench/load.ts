/** @module What the request benches share: a closed-loop load generator, percentiles, readiness and a process's RSS. */
import { readdirSync, readFileSync } from "node:fs";

/** The value after `--name` on the command line. */
export function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The middle value (the upper one of an even count), as the bench tables report it. */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Drops a binary's pages from the page cache (`dd iflag=nocache count=0`, GNU coreutils), so that the next start reads
 * it from disk, as a server's does after an install or a reboot. A file written moments ago (`bun build`, `cp`) is
 * mapped in larger pieces: the same bytes showed 3.5–4 MiB more of their code resident, right after start and idle
 * (bench/RESULTS.md, fourteenth session), so binaries built at different times differed by that much in the memory
 * benches.
 */
export function dropFromPageCache(path: string): void {
  Bun.spawnSync(["sync", path]);
  const dd = Bun.spawnSync(["dd", `if=${path}`, "iflag=nocache", "count=0", "status=none"], { stderr: "pipe" });
  if (dd.exitCode !== 0) throw new Error(`dd could not drop ${path} from the page cache: ${dd.stderr.toString()}`);
}

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await Bun.sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

const TICK_MS = 1000 / 100; // USER_HZ

/**
 * Fields of /proc/PID/stat (or /proc/PID/task/TID/stat, one thread's) after "pid (comm) ": state is field 0, minflt
 * 7, utime 11, stime 12.
 */
export function statFields(pid: number, task?: string): string[] {
  return readFileSync(task ? `/proc/${pid}/task/${task}/stat` : `/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
}

/** User + system CPU milliseconds in stat fields. */
export const ticksMs = (fields: string[]): number => (Number(fields[11]) + Number(fields[12])) * TICK_MS;

/** CPU milliseconds (user + system) a process has used so far. */
export function cpuMs(pid: number): number {
  return ticksMs(statFields(pid));
}

/** CPU milliseconds per thread of a process so far, by thread name (threads of one name summed: Bun's JIT workers). */
export function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim();
      byName.set(name, (byName.get(name) ?? 0) + ticksMs(statFields(pid, task)));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

/** Each thread's share of the CPU per request between two readings, largest first, e.g. "main 0.43, HTTP Client 0.08". */
export function threadShares(before: Map<string, number>, after: Map<string, number>, requests: number, mainName: string): string {
  return [...after]
    .map(([name, ms]) => [name === mainName ? "main" : name, (ms - (before.get(name) ?? 0)) / requests] as const)
    .filter(([, ms]) => ms >= 0.0005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(3)}`)
    .join(", ");
}

export function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
}

/** Runs `total` calls of `one` with `concurrency` in flight; returns latencies (ms) and throughput. */
export async function load(one: (i: number) => Promise<void>, total: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await one(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: (total / wallMs) * 1000 };
}

/**
 * Opens `count` streams at once with `open(i)` and reads each to the end, sampling `pid`'s RSS meanwhile; a stream
 * completes when it answered 200 and ended with `data: [DONE]`.
 */
export async function streamsAtOnce(pid: number, count: number, open: (i: number) => Promise<Response>) {
  let peakRss = 0;
  let reading = 0;
  let peakOpen = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssKiB(pid));
    peakOpen = Math.max(peakOpen, reading);
  }, 50);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await open(i);
      reading++;
      const text = await response.text();
      reading--;
      return response.status === 200 && text.endsWith("data: [DONE]\n\n");
    }),
  );
  clearInterval(sampler);
  return { peakRss, peakOpen, completed: results.filter(Boolean).length, seconds: (performance.now() - started) / 1000 };
}

/** One non-stream chat a call, `bench <i>`, through a chat2api at `baseUrl`; anything but a 200 throws. */
export function nonStreamChat(baseUrl: string, { apiKey = "anonymous", model = "gpt-4o-mini" } = {}): (i: number) => Promise<void> {
  return async (i) => {
    const response = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model, messages: [{ role: "user", content: `bench ${i}` }] }),
    });
    if (response.status !== 200) throw new Error(`chat2api answered ${response.status}: ${await response.text()}`);
    await response.json();
  };
}
