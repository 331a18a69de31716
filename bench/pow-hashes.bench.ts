/**
 * @module Both proof-of-work hashes against native baselines: SHA3-512 (the 2024 answer) against
 * `openssl speed -evp sha3-512`, FNV-1a-32 with its finish (the 2026 answer) against a C loop (bench/native/fnv.c,
 * built here with the machine's cc), each through our single-thread solver and the Worker pool with 1 and 2 workers.
 *
 * Run by hand: `bun bench/pow-hashes.bench.ts` (prints a markdown section), `--write` to replace the
 * `## Proof of work: SHA3 and FNV` section of bench/RESULTS.md; `--rounds N` (default 5).
 * Every figure is hashes (attempts) per second; "÷ native" is the median of each round's ratio to that round's
 * native figure, so load from other processes mostly cancels out.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { VECTOR_CONFIG, VECTOR_SEED } from "../src/engines/web/pow/__fixtures__/vector-config.ts";
import { VECTOR_CONFIG_2026 } from "../src/engines/web/pow/__fixtures__/vector-config-2026.ts";
import { PowWorkerPool } from "../src/engines/web/pow/pool.ts";
import type { PowHash } from "../src/engines/web/pow/proof-search.ts";
import { solveProofOfWork } from "../src/engines/web/pow/solve.ts";

const IMPOSSIBLE = "000000000000";
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 5;
const ATTEMPTS: Record<PowHash, number> = { sha3: 50_000, fnv: 400_000 };
const CONFIGS = { sha3: VECTOR_CONFIG, fnv: VECTOR_CONFIG_2026 } as const;

/** The length of the text each attempt hashes: seed + the answer's base64, as the solver builds it. */
function hashedLength(hash: PowHash): number {
  const { token } = solveProofOfWork(VECTOR_SEED, "f", CONFIGS[hash], { hash, startNonce: 100_000, maxAttempts: 1 });
  return VECTOR_SEED.length + token.length - "gAAAAAB".length - (hash === "fnv" ? 2 : 0);
}

function opensslSha3(bytes: number): number {
  const out = execFileSync("openssl", ["speed", "-seconds", "1", "-bytes", String(bytes), "-evp", "sha3-512"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  // the last line: "sha3-512   123456.78k" — thousands of bytes per second
  const kilo = Number(/sha3-512\s+([\d.]+)k\s*$/m.exec(out)?.[1]);
  return (kilo * 1000) / bytes;
}

const nativeFnvPath = join(tmpdir(), `chat2api-bench-fnv-${process.pid}`);
execFileSync("cc", ["-O2", "-o", nativeFnvPath, new URL("./native/fnv.c", import.meta.url).pathname]);
function nativeFnv(bytes: number): number {
  return Number(execFileSync(nativeFnvPath, [String(bytes), "20000000"], { encoding: "utf8" }).split(" ")[0]);
}

function solver(hash: PowHash): number {
  const count = ATTEMPTS[hash];
  const started = performance.now();
  solveProofOfWork(VECTOR_SEED, IMPOSSIBLE, CONFIGS[hash], { hash, startNonce: 100_000, maxAttempts: count });
  return (count / (performance.now() - started)) * 1000;
}

async function pool(instance: PowWorkerPool, size: number, hash: PowHash): Promise<number> {
  const started = performance.now();
  const result = await instance.solve({ seed: VECTOR_SEED, difficulty: IMPOSSIBLE, config: CONFIGS[hash], hash, maxAttempts: ATTEMPTS[hash] * size });
  return (result.attempts / (performance.now() - started)) * 1000;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const k = (value: number): string => (value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${(value / 1000).toFixed(0)}k`);

const pools = [1, 2].map((size) => ({ size, instance: new PowWorkerPool({ size }) }));
const lengths = { sha3: hashedLength("sha3"), fnv: hashedLength("fnv") };
const native = { sha3: () => opensslSha3(lengths.sha3), fnv: () => nativeFnv(lengths.fnv) };
// warm up the JIT and every worker
for (const hash of ["sha3", "fnv"] as const) {
  solver(hash);
  for (const { instance, size } of pools) await pool(instance, size, hash);
}

const loadBefore = loadavg()[0] as number;
const rows: string[] = [];
for (const hash of ["sha3", "fnv"] as const) {
  const samples: Record<string, number[]> = { native: [], solver: [], "pool-1": [], "pool-2": [] };
  for (let round = 0; round < rounds; round++) {
    samples.native?.push(native[hash]());
    samples.solver?.push(solver(hash));
    for (const { instance, size } of pools) samples[`pool-${size}`]?.push(await pool(instance, size, hash));
  }
  for (const [name, values] of Object.entries(samples)) {
    const size = name === "pool-2" ? 2 : 1;
    const ratio = median(values.map((value, round) => value / size / (samples.native?.[round] ?? 1)));
    rows.push(`| ${hash} | ${name} | ${k(median(values))} | ${k(median(values) / size)} | ${ratio.toFixed(2)}× | ${values.map(k).join(", ")} |`);
  }
}
const loadAfter = loadavg()[0] as number;
await Promise.all(pools.map(({ instance }) => instance.close()));
await Bun.file(nativeFnvPath).delete().catch(() => {});

const cpuModel = (await Bun.file("/proc/cpuinfo").text().catch(() => "")).match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? "unknown";
const section = `## Proof of work: SHA3 and FNV

\`bun bench/pow-hashes.bench.ts --write\` — ${new Date().toISOString().slice(0, 10)}, nproc ${cpus().length}, ${cpuModel}, Bun ${Bun.version}.
${rounds} rounds; each attempt hashes ${lengths.sha3} characters (SHA3, 18-slot config) or ${lengths.fnv} (FNV, 25-slot config).
Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.

| hash | variant | median /s | per worker /s | per worker ÷ native (median of rounds) | raw rounds /s |
|---|---|---|---|---|---|
${rows.join("\n")}

native = \`openssl speed -evp sha3-512 -bytes ${lengths.sha3}\` for SHA3, bench/native/fnv.c (cc -O2) for FNV, one core;
solver = \`solveProofOfWork\` on this thread (the whole attempt: building the answer text and hashing it);
pool-n = \`PowWorkerPool\` with n workers on one solve.
`;
console.log(section);
if (args.includes("--write")) {
  const path = new URL("./RESULTS.md", import.meta.url).pathname;
  const existing = await Bun.file(path).text();
  const pattern = /^## Proof of work: SHA3 and FNV\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  await Bun.write(path, pattern.test(existing) ? existing.replace(pattern, `${section}\n`) : `${existing.trimEnd()}\n\n${section}`);
}
