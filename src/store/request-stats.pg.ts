/**
 * @module The request-log aggregation of the PostgreSQL store (request-stats.ts): the same GROUP BYs as SQLite's;
 * counts and sums come back as text (bigint, numeric), so each is read through Number.
 */
import { and, asc, count, desc, gte, isNotNull, lt, sql } from "drizzle-orm";
import type { BunSQLDatabase } from "drizzle-orm/bun-sql";
import { percentiles, totalsSelection, type RequestStatsStore, type RequestTotals } from "./request-stats.ts";
import { requestLog } from "./schema.pg.ts";

const numbers = <T extends RequestTotals>(row: T): T => ({
  ...row,
  requests: Number(row.requests),
  errors: Number(row.errors),
  promptTokens: Number(row.promptTokens),
  completionTokens: Number(row.completionTokens),
});

export function pgRequestStats<S extends Record<string, unknown>>(db: BunSQLDatabase<S>, ready: () => Promise<void>): RequestStatsStore {
  return {
    async requestStats({ since, until, bucketMs }) {
      await ready();
      const inRange = and(gte(requestLog.at, since), lt(requestLog.at, until));
      const totals = totalsSelection(requestLog);
      // grouped by position: the same expression written twice would carry different parameters, which PostgreSQL rejects
      const index = sql<number>`((${requestLog.at} - ${since}::bigint) / ${bucketMs}::bigint)`;
      const buckets = await db.select({ index, ...totals }).from(requestLog).where(inRange).groupBy(sql`1`).orderBy(sql`1`);
      const models = await db
        .select({ engine: requestLog.engine, model: requestLog.model, ...totals, avgLatencyMs: sql<number>`avg(${requestLog.latencyMs})` })
        .from(requestLog)
        .where(inRange)
        .groupBy(requestLog.engine, requestLog.model)
        .orderBy(desc(sql`count(*)`), asc(requestLog.model), asc(requestLog.engine));
      const sorted = async (column: typeof requestLog.latencyMs | typeof requestLog.ttftMs) => {
        const where = and(inRange, isNotNull(column));
        const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(requestLog).where(where);
        return percentiles(Number(n), async (offset) => {
          const [row] = await db.select({ v: column }).from(requestLog).where(where).orderBy(asc(column)).limit(1).offset(offset);
          return row?.v ?? null;
        });
      };
      return {
        buckets: buckets.map((b) => ({ ...numbers(b), index: Number(b.index) })),
        models: models.map((m) => ({ ...numbers(m), avgLatencyMs: Math.round(Number(m.avgLatencyMs)) })),
        latencyMs: await sorted(requestLog.latencyMs),
        ttftMs: await sorted(requestLog.ttftMs),
      };
    },
  };
}
