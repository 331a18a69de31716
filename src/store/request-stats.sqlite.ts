/** @module The request-log aggregation of the SQLite store (request-stats.ts): one GROUP BY per view, percentiles by OFFSET. */
import { and, asc, count, desc, gte, isNotNull, lt, sql } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { percentiles, totalsSelection, type RequestStatsStore } from "./request-stats.ts";
import { requestLog } from "./schema.sqlite.ts";

export function sqliteRequestStats<S extends Record<string, unknown>>(db: BunSQLiteDatabase<S>, ready: () => Promise<void>): RequestStatsStore {
  return {
    async requestStats({ since, until, bucketMs }) {
      await ready();
      const inRange = and(gte(requestLog.at, since), lt(requestLog.at, until));
      const totals = totalsSelection(requestLog);
      const index = sql<number>`(${requestLog.at} - ${since}) / ${bucketMs}`;
      const buckets = db.select({ index, ...totals }).from(requestLog).where(inRange).groupBy(sql`1`).orderBy(sql`1`).all();
      const models = db
        .select({ engine: requestLog.engine, model: requestLog.model, ...totals, avgLatencyMs: sql<number>`avg(${requestLog.latencyMs})` })
        .from(requestLog)
        .where(inRange)
        .groupBy(requestLog.engine, requestLog.model)
        .orderBy(desc(sql`count(*)`), asc(requestLog.model), asc(requestLog.engine))
        .all();
      const sorted = (column: typeof requestLog.latencyMs | typeof requestLog.ttftMs) => {
        const where = and(inRange, isNotNull(column));
        const n = db.select({ n: count() }).from(requestLog).where(where).get()?.n ?? 0;
        return percentiles(n, async (offset) => db.select({ v: column }).from(requestLog).where(where).orderBy(asc(column)).limit(1).offset(offset).get()?.v ?? null);
      };
      return {
        buckets,
        models: models.map((m) => ({ ...m, avgLatencyMs: Math.round(m.avgLatencyMs) })),
        latencyMs: await sorted(requestLog.latencyMs),
        ttftMs: await sorted(requestLog.ttftMs),
      };
    },
  };
}
