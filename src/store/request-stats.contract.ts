/**
 * @module The request-stats part of the Store contract (request-stats.ts), run by both stores through
 * store.contract.ts: buckets, per-model totals, errors and nearest-rank percentiles over one range.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { NewRequestLogRow, Store } from "./store.ts";

const T0 = Date.UTC(2026, 0, 2, 10, 0, 0);
const MINUTE = 60_000;

function row(at: number, model: string, status: number, latencyMs: number, ttftMs: number | null = null): NewRequestLogRow {
  const engine = model.includes("codex") ? "codex" : status === 404 ? null : "web";
  return { at, clientKey: "key:0000", accountId: "acc", model, promptTokens: 10, completionTokens: 5, status, latencyMs, ttftMs, engine };
}

export function runRequestStatsContract(makeStore: () => Promise<Store>): void {
  describe("request stats", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    test("an empty range has no buckets, no models and no percentiles", async () => {
      const stats = await store.requestStats({ since: T0, until: T0 + 10 * MINUTE, bucketMs: MINUTE });
      expect(stats).toEqual({ buckets: [], models: [], latencyMs: { p50: null, p90: null, p99: null }, ttftMs: { p50: null, p90: null, p99: null } });
    });

    test("requests are counted per bucket and per engine and model, errors are statuses of 400 and above, the range is half-open", async () => {
      const rows = [
        row(T0 - 1, "gpt-4o", 200, 999), // before the range
        row(T0, "gpt-4o", 200, 10, 4),
        row(T0 + 30_000, "gpt-4o", 429, 20),
        row(T0 + 2 * MINUTE + 1, "gpt-5-codex", 200, 30, 8),
        row(T0 + 2 * MINUTE + 2, "gpt-4o", 502, 40),
        row(T0 + 2 * MINUTE + 3, "no-such-model", 404, 2),
        row(T0 + 3 * MINUTE, "gpt-4o", 200, 1), // at `until`: outside
      ];
      for (const r of rows) await store.logRequest(r);
      const stats = await store.requestStats({ since: T0, until: T0 + 3 * MINUTE, bucketMs: MINUTE });
      expect(stats.buckets).toEqual([
        { index: 0, requests: 2, errors: 1, promptTokens: 20, completionTokens: 10 },
        { index: 2, requests: 3, errors: 2, promptTokens: 30, completionTokens: 15 },
      ]);
      expect(stats.models).toEqual([
        { engine: "web", model: "gpt-4o", requests: 3, errors: 2, promptTokens: 30, completionTokens: 15, avgLatencyMs: 23 },
        { engine: "codex", model: "gpt-5-codex", requests: 1, errors: 0, promptTokens: 10, completionTokens: 5, avgLatencyMs: 30 },
        { engine: null, model: "no-such-model", requests: 1, errors: 1, promptTokens: 10, completionTokens: 5, avgLatencyMs: 2 },
      ]);
      expect(stats.latencyMs).toEqual({ p50: 20, p90: 40, p99: 40 });
      // a failure before any engine is its own row, engine null
      expect(stats.ttftMs).toEqual({ p50: 4, p90: 8, p99: 8 });
    });

    test("percentiles go by nearest rank over every request in the range", async () => {
      for (let i = 100; i >= 1; i--) await store.logRequest(row(T0 + i, "m", 200, i));
      const stats = await store.requestStats({ since: T0, until: T0 + MINUTE, bucketMs: MINUTE });
      expect(stats.latencyMs).toEqual({ p50: 50, p90: 90, p99: 99 });
      expect(stats.buckets).toEqual([{ index: 0, requests: 100, errors: 0, promptTokens: 1000, completionTokens: 500 }]);
    });
  });
}
