/** @module TypeBox shapes of `GET /admin/api/stats` (the console's overview), documented in Swagger. */
import { t } from "elysia";

export const StatsRange = t.Union([t.Literal("1h"), t.Literal("24h"), t.Literal("7d")], { description: "The span ending now: 1 h in 5-minute buckets, 24 h in hours, 7 d in 6-hour buckets" });
export type StatsRange = typeof StatsRange.static;

export const StatsQuery = t.Object({ range: t.Optional(StatsRange) });

const Engine = t.Union([t.Literal("web"), t.Literal("codex"), t.Null()], { description: "null: the request failed before an engine was chosen" });

const Totals = {
  requests: t.Number(),
  errors: t.Number({ description: "Requests answered with a status of 400 or above" }),
  promptTokens: t.Number(),
  completionTokens: t.Number(),
};

const Percentiles = t.Object({ p50: t.Nullable(t.Number()), p90: t.Nullable(t.Number()), p99: t.Nullable(t.Number()) }, { description: "Milliseconds, nearest rank; null with no requests" });

export const StatsView = t.Object({
  range: StatsRange,
  since: t.Number({ description: "Epoch ms of the first bucket's start" }),
  until: t.Number({ description: "Epoch ms of the range's end (now)" }),
  bucketMs: t.Number(),
  buckets: t.Array(t.Object({ start: t.Number({ description: "Epoch ms" }), ...Totals }), { description: "Every bucket of the range, oldest first, empty ones included" }),
  totals: t.Object(Totals),
  engines: t.Array(t.Object({ engine: Engine, ...Totals, avgLatencyMs: t.Number() }), { description: "Per engine, busiest first" }),
  models: t.Array(t.Object({ engine: Engine, model: t.String(), ...Totals, avgLatencyMs: t.Number() }), { description: "Per model requested on each engine, busiest first" }),
  latencyMs: Percentiles,
  ttftMs: Percentiles,
  accounts: t.Object(
    { total: t.Number(), active: t.Number(), coolingDown: t.Number(), disabled: t.Number(), failed: t.Number(), web: t.Number(), codex: t.Number() },
    { description: "Accounts by state (coolingDown: active with a cooldown now); web: accounts of the web client or known to reach the web engine; codex: known to reach the Codex engine" },
  ),
  quotaResets: t.Array(
    t.Object({ accountId: t.String(), label: t.String(), windowMinutes: t.Number(), usedPercent: t.Number(), resetsAt: t.Number() }),
    { description: "The soonest quota-window resets still ahead, soonest first (at most 5)" },
  ),
});
export type StatsView = typeof StatsView.static;
