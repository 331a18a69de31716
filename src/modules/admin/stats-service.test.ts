/** @module The overview's numbers around the store's aggregation: buckets filled in, per-engine sums, accounts by state, soonest resets. */
import { describe, expect, test } from "bun:test";
import type { RequestStats, RequestStatsQuery } from "../../store/request-stats.ts";
import type { AccountView } from "./model.ts";
import { createStatsService } from "./stats-service.ts";

const HOUR = 3600_000;
const NOW = Date.UTC(2026, 0, 2, 10, 17, 0);

function account(id: string, patch: Partial<AccountView>): AccountView {
  return {
    id,
    label: `lab-${id}`,
    kind: "access",
    teamAccountId: null,
    plan: null,
    status: "active",
    lastError: null,
    lastUsedAt: null,
    createdAt: 0,
    successCount: 0,
    failureCount: 0,
    accessTokenExpiresAt: null,
    hasRefreshToken: false,
    cooldowns: [],
    oauthClient: null,
    chatgptAccountId: null,
    hasCodex: null,
    hasWeb: null,
    quotaWindows: [],
    ...patch,
  };
}

describe("stats service", () => {
  test("24h: hourly buckets ending at the next hour, empty ones filled, per-engine sums weighted, accounts by state, resets ahead soonest first", async () => {
    const asked: RequestStatsQuery[] = [];
    const stats: RequestStats = {
      buckets: [{ index: 23, requests: 3, errors: 1, promptTokens: 30, completionTokens: 6 }],
      models: [
        { engine: "web", model: "gpt-4o", requests: 2, errors: 1, promptTokens: 20, completionTokens: 4, avgLatencyMs: 10 },
        { engine: "web", model: "gpt-4o-mini", requests: 1, errors: 0, promptTokens: 10, completionTokens: 2, avgLatencyMs: 40 },
      ],
      latencyMs: { p50: 10, p90: 40, p99: 40 },
      ttftMs: { p50: null, p90: null, p99: null },
    };
    const window = (resetsAt: number | null) => ({ windowMinutes: 300, usedPercent: 50, resetsAt, updatedAt: 0 });
    const service = createStatsService({
      store: { requestStats: async (q) => (asked.push(q), stats) },
      listAccounts: async () => [
        account("a", { hasWeb: true, quotaWindows: [window(NOW + 2 * HOUR), window(NOW - 1)] }),
        account("b", { kind: "codex-access", oauthClient: "codex", cooldowns: [{ model: "*", untilMs: NOW + 1, reason: "capped" }], hasCodex: true, quotaWindows: [window(NOW + HOUR), window(null)] }),
        account("c", { status: "disabled" }),
        account("d", { status: "failed" }),
      ],
      now: () => NOW,
    });
    const view = await service.stats("24h");
    const end = Date.UTC(2026, 0, 2, 11, 0, 0);
    expect(asked).toEqual([{ since: end - 24 * HOUR, until: end, bucketMs: HOUR }]);
    expect([view.buckets.length, view.buckets[0], view.buckets[23]]).toEqual([
      24,
      { start: end - 24 * HOUR, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0 },
      { start: end - HOUR, requests: 3, errors: 1, promptTokens: 30, completionTokens: 6 },
    ]);
    expect(view.totals).toEqual({ requests: 3, errors: 1, promptTokens: 30, completionTokens: 6 });
    expect(view.engines).toEqual([{ engine: "web", requests: 3, errors: 1, promptTokens: 30, completionTokens: 6, avgLatencyMs: 20 }]);
    expect(view.accounts).toEqual({ total: 4, active: 1, coolingDown: 1, disabled: 1, failed: 1, web: 3, codex: 1 });
    expect(view.quotaResets.map((r) => [r.accountId, r.resetsAt - NOW])).toEqual([
      ["b", HOUR],
      ["a", 2 * HOUR],
    ]);
  });
});
