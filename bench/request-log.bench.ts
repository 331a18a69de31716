/**
 * @module CPU per request-log row (issue 12): N rows logged the way a reply logs them (not awaited, one per
 * "request" on its own turn of the loop), on a SQLite file, measured with process.cpuUsage() until every row is
 * written. `bun bench/request-log.bench.ts [rows=20000] [other tree]`: with another checkout's root (e.g. a
 * `git worktree` of the commit before the write-behind queue) its store is measured the same way, for before/after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const rows = Number(process.argv[2] ?? 20_000);
const trees = [resolve(import.meta.dir, ".."), ...(process.argv[3] ? [resolve(process.argv[3])] : [])];

type Store = import("../src/store/store.ts").Store;

async function cpuPerRow(tree: string): Promise<number> {
  const { createSqliteStore } = (await import(join(tree, "src/store/sqlite.ts"))) as { createSqliteStore: (options: { path: string }) => Store };
  const dir = mkdtempSync(join(tmpdir(), "request-log-bench-"));
  const store = createSqliteStore({ path: join(dir, "bench.db") });
  await store.ready();
  try {
    const before = process.cpuUsage();
    const written: Array<Promise<void>> = [];
    for (let n = 0; n < rows; n++) {
      written.push(store.logRequest({ at: n, clientKey: "anonymous", accountId: "acc", model: "gpt-4o-mini", promptTokens: 12, completionTokens: 8, status: 200, latencyMs: 40, ttftMs: 20 }));
      // a reply ends on its own turn of the loop, not in a tight synchronous burst
      if (n % 16 === 15) await new Promise<void>((done) => setImmediate(done));
    }
    await Promise.all(written);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / rows;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${rows} rows, load average ${loadavg()[0]?.toFixed(2)}`);
for (let run = 0; run < 3; run++) {
  for (const tree of trees) console.log(`run ${run + 1} ${tree}: ${(await cpuPerRow(tree)).toFixed(1)} µs CPU per row`);
}
