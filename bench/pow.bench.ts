/**
 * @module Proof-of-work throughput: is our solver at least as fast as a plain SHA3-512 loop, and how does the
 * worker pool scale with workers?
 *
 * Run by hand: `bun bench/pow.bench.ts` (prints a markdown section), or `bun bench/pow.bench.ts --write` to
 * replace the `## Proof of work` section of bench/RESULTS.md. Options: `--rounds N` (default 9), `--note TEXT` (a remark printed under the table, e.g. on the machine's load).
 *
 * Every round measures, one after another so a noisy neighbour hits them all alike:
 *   baseline  node:crypto createHash("sha3-512") over a string as long as seed + base64(config), hashes/s;
 *   solver    solveProofOfWork single-threaded, impossible difficulty, fixed attempt count, attempts/s;
 *   pool-n    PowWorkerPool with n = 1, 2 and POW_WORKERS (default nproc) workers, same, attempts/s.
 * Reported: the median of the rounds, the raw rounds, and per worker the median of each round's ratio to that
 * round's baseline (a ratio within one round cancels most of the load other processes put on the machine).
 */
import { createHash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { VECTOR_CONFIG, VECTOR_SEED } from "../src/engines/web/pow/__fixtures__/vector-config.ts";
import { PowWorkerPool } from "../src/engines/web/pow/pool.ts";
import { solveProofOfWork } from "../src/engines/web/pow/solve.ts";

const IMPOSSIBLE = "000000000000";
const SINGLE_ATTEMPTS = 50_000;
const POOL_ATTEMPTS_PER_WORKER = 50_000;

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 9;
const note = args.includes("--note") ? `\n${args[args.indexOf("--note") + 1] ?? ""}\n` : "";
const nproc = cpus().length;
const poolSizes = [...new Set([1, 2, Number(process.env.POW_WORKERS) || nproc])].sort((a, b) => a - b);

/** The solver's hashed input is seed + base64(JSON) at a 6-digit nonce; the baseline hashes that many characters. */
const inputLength = VECTOR_SEED.length + solveProofOfWork(VECTOR_SEED, "0", VECTOR_CONFIG, { startNonce: 100_000 }).token.length - 7;
const baselineInput = "0".repeat(inputLength);

function perSecond(count: number, run: () => void): number {
  const started = performance.now();
  run();
  return (count / (performance.now() - started)) * 1000;
}

function baseline(): number {
  return perSecond(SINGLE_ATTEMPTS, () => {
    for (let i = 0; i < SINGLE_ATTEMPTS; i++) createHash("sha3-512").update(baselineInput).digest();
  });
}

function solver(): number {
  return perSecond(SINGLE_ATTEMPTS, () => {
    solveProofOfWork(VECTOR_SEED, IMPOSSIBLE, VECTOR_CONFIG, { startNonce: 100_000, maxAttempts: SINGLE_ATTEMPTS });
  });
}

async function pool(instance: PowWorkerPool, size: number): Promise<number> {
  const maxAttempts = POOL_ATTEMPTS_PER_WORKER * size;
  const started = performance.now();
  const result = await instance.solve({ seed: VECTOR_SEED, difficulty: IMPOSSIBLE, config: VECTOR_CONFIG, maxAttempts });
  return (result.attempts / (performance.now() - started)) * 1000;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const k = (value: number) => `${(value / 1000).toFixed(0)}k`;

const pools = poolSizes.map((size) => ({ size, instance: new PowWorkerPool({ size }) }));
// Warm up: JIT the single-threaded paths and let every worker start and compile its loop.
baseline();
solver();
for (const { instance, size } of pools) await pool(instance, size);

const loadBefore = loadavg()[0] as number;
const samples: Record<string, number[]> = { baseline: [], solver: [], ...Object.fromEntries(poolSizes.map((size) => [`pool-${size}`, []])) };
for (let round = 0; round < rounds; round++) {
  samples.baseline?.push(baseline());
  samples.solver?.push(solver());
  for (const { instance, size } of pools) samples[`pool-${size}`]?.push(await pool(instance, size));
}
const loadAfter = loadavg()[0] as number;
await Promise.all(pools.map(({ instance }) => instance.close()));

const base = median(samples.baseline ?? []);
const pool1 = median(samples["pool-1"] ?? []);
const rows = Object.entries(samples).map(([name, values]) => {
  const size = name.startsWith("pool-") ? Number(name.slice(5)) : 1;
  const m = median(values);
  const ratio = median(values.map((value, round) => value / size / (samples.baseline?.[round] ?? base)));
  const scaling = name.startsWith("pool-") ? `${(m / pool1).toFixed(2)}×` : "";
  return `| ${name} | ${k(m)} | ${k(m / size)} | ${ratio.toFixed(2)}× | ${scaling} | ${values.map(k).join(", ")} |`;
});

const cpuModel = (await Bun.file("/proc/cpuinfo").text().catch(() => "")).match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? "unknown";
const section = `## Proof of work

\`bun bench/pow.bench.ts --write\` — ${new Date().toISOString().slice(0, 10)}, nproc ${nproc}, ${cpuModel}, Bun ${Bun.version}.
${rounds} rounds; hashed input ${inputLength} bytes (seed + base64 of the §4.3 vector config at a 6-digit nonce).
Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after: the cores are shared with other work, so read
the medians, not single rounds.

| variant | median /s | per worker /s | per worker ÷ baseline (median of rounds) | scaling vs pool-1 | raw rounds /s |
|---|---|---|---|---|---|
${rows.join("\n")}

baseline = node:crypto sha3-512 over a same-length string (hashes/s); solver = \`solveProofOfWork\` on this thread;
pool-n = \`PowWorkerPool\` with n workers on one solve split across them (attempts/s, chunk overheads included).
${note}`;

console.log(section);
if (args.includes("--write")) {
  const path = new URL("./RESULTS.md", import.meta.url).pathname;
  const existing = await Bun.file(path)
    .text()
    .catch(() => "# Benchmark results\n");
  // Replace only our section: other benches append their own `## …` sections to this file.
  const pattern = /^## Proof of work\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  const updated = pattern.test(existing) ? existing.replace(pattern, `${section}\n`) : `${existing.trimEnd()}\n\n${section}`;
  await Bun.write(path, updated);
}
