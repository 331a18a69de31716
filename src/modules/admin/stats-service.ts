/**
 * @module The console overview's numbers: the request log aggregated by the store over a range ending now, with the
 * empty buckets filled in, and the pool's accounts by state with their soonest quota resets.
 */
import type { RequestStatsModel, RequestStatsStore } from "../../store/request-stats.ts";
import type { AccountView } from "./model.ts";
import type { StatsRange, StatsView } from "./stats-model.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Each range's span and bucket width: a dozen to a few dozen points, enough for a chart on a phone. */
export const RANGES: Record<StatsRange, { spanMs: number; bucketMs: number }> = {
  "1h": { spanMs: HOUR, bucketMs: 5 * MINUTE },
  "24h": { spanMs: 24 * HOUR, bucketMs: HOUR },
  "7d": { spanMs: 7 * 24 * HOUR, bucketMs: 6 * HOUR },
};

const SOONEST_RESETS = 5;

export interface StatsDeps {
  store: RequestStatsStore;
  listAccounts: () => Promise<AccountView[]>;
  now?: () => number;
}

export function createStatsService({ store, listAccounts, now = Date.now }: StatsDeps) {
  return {
    async stats(range: StatsRange): Promise<StatsView> {
      const { spanMs, bucketMs } = RANGES[range];
      const until = now();
      // buckets end at the next bucket boundary after now, so a bucket is the same wall-clock slot on every reload
      const end = Math.floor(until / bucketMs) * bucketMs + bucketMs;
      const since = end - spanMs;
      const [stats, accounts] = await Promise.all([store.requestStats({ since, until: end, bucketMs }), listAccounts()]);
      const byIndex = new Map(stats.buckets.map((b) => [b.index, b]));
      const buckets = Array.from({ length: spanMs / bucketMs }, (_, index) => {
        const { requests = 0, errors = 0, promptTokens = 0, completionTokens = 0 } = byIndex.get(index) ?? {};
        return { start: since + index * bucketMs, requests, errors, promptTokens, completionTokens };
      });
      const totals = { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0 };
      for (const b of buckets) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += b[k];
      return { range, since, until, bucketMs, buckets, totals, engines: perEngine(stats.models), models: stats.models, latencyMs: stats.latencyMs, ttftMs: stats.ttftMs, accounts: byState(accounts, until), quotaResets: soonestResets(accounts, until) };
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;

/** The per-model rows summed per engine; the average latency weighted by requests. */
function perEngine(models: readonly RequestStatsModel[]): StatsView["engines"] {
  const engines = new Map<RequestStatsModel["engine"], StatsView["engines"][number]>();
  for (const m of models) {
    const e = engines.get(m.engine) ?? { engine: m.engine, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, avgLatencyMs: 0 };
    const requests = e.requests + m.requests;
    e.avgLatencyMs = requests ? Math.round((e.avgLatencyMs * e.requests + m.avgLatencyMs * m.requests) / requests) : 0;
    e.requests = requests;
    e.errors += m.errors;
    e.promptTokens += m.promptTokens;
    e.completionTokens += m.completionTokens;
    engines.set(m.engine, e);
  }
  return [...engines.values()].sort((a, b) => b.requests - a.requests);
}

function byState(accounts: readonly AccountView[], now: number): StatsView["accounts"] {
  const count = (keep: (a: AccountView) => boolean) => accounts.filter(keep).length;
  const cooling = (a: AccountView) => a.cooldowns.some((c) => c.untilMs > now);
  return {
    total: accounts.length,
    active: count((a) => a.status === "active" && !cooling(a)),
    coolingDown: count((a) => a.status === "active" && cooling(a)),
    disabled: count((a) => a.status === "disabled"),
    failed: count((a) => a.status === "failed"),
    // a token of the web client reaches the web engine (hasWeb is learnt only for Codex-client tokens)
    web: count((a) => a.hasWeb === true || (a.hasWeb === null && a.oauthClient !== "codex" && !a.kind.startsWith("codex"))),
    codex: count((a) => a.hasCodex === true),
  };
}

function soonestResets(accounts: readonly AccountView[], now: number): StatsView["quotaResets"] {
  return accounts
    .flatMap((a) => a.quotaWindows.flatMap((w) => (w.resetsAt !== null && w.resetsAt > now ? [{ accountId: a.id, label: a.label, windowMinutes: w.windowMinutes, usedPercent: w.usedPercent, resetsAt: w.resetsAt }] : [])))
    .sort((x, y) => x.resetsAt - y.resetsAt)
    .slice(0, SOONEST_RESETS);
}
