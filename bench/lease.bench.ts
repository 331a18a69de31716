/**
 * What one `lease()` costs with 10,000 accounts in the pool (run by hand: `bun bench/lease.bench.ts [--write]`).
 *
 * Why: every pool request and every upload leases an account, and the pool once read the whole accounts table (and
 * every active cooldown) for each lease. The pool is built as the server builds it (createPoolRuntime over a SQLite
 * file in a temporary folder), filled with 10,000 fresh access-token accounts, a tenth of them resting for the model;
 * each round leases `LEASES` times one after another, as requests would. `--write` replaces the "Lease" section of
 * bench/RESULTS.md (its "before" line is kept by hand: it was measured on the previous pool).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { createPoolRuntime } from "../src/pool/pool-runtime.ts";
import { median } from "./load.ts";

const ROOT = join(import.meta.dir, "..");
const ACCOUNTS = 10_000;
const LEASES = 200;
const ROUNDS = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const dir = mkdtempSync(join(tmpdir(), "lease-bench-"));
const config = loadConfig({ AUTHORIZATION: "bench-key", DATABASE_URL: `sqlite:${join(dir, "pool.db")}`, LOG_FORMAT: "json" });
const runtime = createPoolRuntime(config, { logger: silentLogger });
try {
  await runtime.store.ready();
  const far = Date.now() + 30 * 86_400_000;
  const inputs = Array.from({ length: ACCOUNTS }, (_, i) => {
    const token = `bench-access-token-${i.toString().padStart(6, "0")}-${crypto.randomUUID()}`;
    return { credential: token, kind: "access" as const, accessToken: token, accessTokenExpiresAt: far, plan: "plus" };
  });
  const { added } = await runtime.store.addAccounts(inputs);
  for (const account of added.slice(0, ACCOUNTS / 10)) {
    await runtime.store.setCooldown({ subject: account.id, model: "gpt-4o", untilMs: far, reason: "capped" });
  }

  const rounds: Array<{ p50: number; p99: number; perSec: number }> = [];
  const first = performance.now();
  await runtime.pool.lease({ model: "gpt-4o", exclude: new Set() });
  const firstMs = performance.now() - first;
  for (let round = 0; round < ROUNDS; round++) {
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < LEASES; i++) {
      const t0 = performance.now();
      const lease = await runtime.pool.lease({ model: "gpt-4o", exclude: new Set() });
      if (!lease) throw new Error("no lease");
      latencies.push(performance.now() - t0);
    }
    const wall = performance.now() - started;
    latencies.sort((a, b) => a - b);
    rounds.push({ p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSec: (LEASES / wall) * 1000 });
  }
  const p50 = median(rounds.map((r) => r.p50));
  const p99 = median(rounds.map((r) => r.p99));
  const perSec = median(rounds.map((r) => r.perSec));
  const raw = rounds.map((r) => `${r.p50.toFixed(3)}/${r.p99.toFixed(3)} ms`).join("; ");
  const line = `| ${p50.toFixed(3)} | ${p99.toFixed(3)} | ${Math.round(perSec)} | ${firstMs.toFixed(1)} | ${raw} |`;
  console.log(`lease() with ${ACCOUNTS} accounts: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms, ${Math.round(perSec)}/s; first lease ${firstMs.toFixed(1)} ms`);
  console.log(line);

  if (process.argv.includes("--write")) {
    const machine = `nproc ${cpus().length}, ${cpus()[0]?.model ?? "unknown CPU"}, Bun ${Bun.version}`;
    const path = join(ROOT, "bench/RESULTS.md");
    const text = readFileSync(path, "utf8");
    const before = /\n\| before[^\n]*/.exec(text.slice(text.indexOf("## Lease")))?.[0] ?? "";
    const section = `## Lease

\`bun bench/lease.bench.ts --write\` — ${new Date().toISOString().slice(0, 10)}, ${machine}.
${ACCOUNTS.toLocaleString("en")} access-token accounts in a SQLite pool, ${(ACCOUNTS / 10).toLocaleString("en")} of them resting for the model;
${ROUNDS} rounds of ${LEASES} leases one after another. "first" is the first lease of a fresh process (it loads the view).
Load average (1 min) ${loadavg()[0]?.toFixed(2)} at the end: the cores are shared with other work.

| pool | p50 ms (median of rounds) | p99 ms | leases/s | first ms | raw rounds (p50/p99) |
|---|---|---|---|---|---|${before}
| after: in-memory view (pool-view.ts) ${line}
`;
    const start = text.indexOf("## Lease");
    const rest = start < 0 ? "" : text.slice(start).slice("## Lease".length);
    const next = rest.search(/\n## /);
    const kept = start < 0 ? text.trimEnd() : `${text.slice(0, start).trimEnd()}${next < 0 ? "" : `\n\n${rest.slice(next + 1)}`}`;
    writeFileSync(path, `${kept.trimEnd()}\n\n${section}`);
  }
} finally {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
}
