/**
 * @module What the console's overview reads from the request log (issue 11): requests, tokens and errors per time
 * bucket and per engine and model, and latency percentiles, all over one time range. Each store aggregates in SQL; the shapes
 * here are what both return. An error is a request that answered 400 or above.
 */
import { type AnyColumn, sql } from "drizzle-orm";

export interface RequestStatsQuery {
  /** The range is [since, until) in epoch ms. */
  since: number;
  until: number;
  /** The width of a bucket in ms; bucket i starts at since + i * bucketMs. */
  bucketMs: number;
}

export interface RequestTotals {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

/** A bucket with at least one request (empty buckets are left out; the caller fills them in). */
export interface RequestStatsBucket extends RequestTotals {
  index: number;
}

/** A model as asked for, on one engine (null: the request failed before an engine was chosen). */
export interface RequestStatsModel extends RequestTotals {
  engine: "web" | "codex" | null;
  model: string;
  avgLatencyMs: number;
}

export interface LatencyPercentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface RequestStats {
  buckets: RequestStatsBucket[];
  models: RequestStatsModel[];
  latencyMs: LatencyPercentiles;
  ttftMs: LatencyPercentiles;
}

export interface RequestStatsStore {
  requestStats(query: RequestStatsQuery): Promise<RequestStats>;
}

export const PERCENTILES = [
  ["p50", 0.5],
  ["p90", 0.9],
  ["p99", 0.99],
] as const;

/** The row offset of percentile `p` among `n` sorted values (nearest rank), or null when there are none. */
export function percentileOffset(n: number, p: number): number | null {
  return n === 0 ? null : Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
}

/** Percentiles by nearest rank, each read by `valueAt(offset)` from the values sorted ascending. */
export async function percentiles(n: number, valueAt: (offset: number) => Promise<number | null>): Promise<LatencyPercentiles> {
  const out: LatencyPercentiles = { p50: null, p90: null, p99: null };
  for (const [name, p] of PERCENTILES) {
    const offset = percentileOffset(n, p);
    out[name] = offset === null ? null : await valueAt(offset);
  }
  return out;
}

/** The SELECT list of RequestTotals over the request-log columns of either dialect (the SQL is the same in both). */
export function totalsSelection(log: { status: AnyColumn; promptTokens: AnyColumn; completionTokens: AnyColumn }) {
  return {
    requests: sql<number>`count(*)`,
    errors: sql<number>`coalesce(sum(case when ${log.status} >= 400 then 1 else 0 end), 0)`,
    promptTokens: sql<number>`coalesce(sum(${log.promptTokens}), 0)`,
    completionTokens: sql<number>`coalesce(sum(${log.completionTokens}), 0)`,
  };
}
