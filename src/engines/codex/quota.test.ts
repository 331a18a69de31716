import { describe, expect, test } from "bun:test";
import { bindingWindow, parseQuotaHeaders, parseUsageLimit, parseWhamUsage, withUsageLimit, type QuotaWindows } from "./quota.ts";

const NOW = 1_789_000_000_000;

describe("parseQuotaHeaders", () => {
  test("Plus: a 5-hour primary and a weekly secondary, resets taken from reset-at over reset-after-seconds", () => {
    const headers = new Headers({
      "x-codex-plan-type": "plus",
      "x-codex-primary-used-percent": "42.5",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-at": "1789003600",
      "x-codex-primary-reset-after-seconds": "9999",
      "x-codex-secondary-used-percent": "80",
      "x-codex-secondary-window-minutes": "10080",
      "x-codex-secondary-reset-after-seconds": "316705",
    });
    expect(parseQuotaHeaders(headers, NOW)).toEqual({
      planType: "plus",
      windows: [
        { windowMinutes: 300, usedPercent: 42.5, resetsAt: 1_789_003_600_000 },
        { windowMinutes: 10080, usedPercent: 80, resetsAt: NOW + 316_705_000 },
      ],
      limitReachedUntil: null,
      observedAt: NOW,
    });
  });

  test("Free: the weekly window sent as primary is identified by its length, the empty secondary is no data", () => {
    const headers = new Headers({
      "x-codex-plan-type": "free",
      "x-codex-primary-used-percent": "12",
      "x-codex-primary-window-minutes": "10080",
      "x-codex-primary-reset-at": "1789300000",
      "x-codex-secondary-used-percent": "0",
      "x-codex-secondary-window-minutes": "0",
    });
    expect(parseQuotaHeaders(headers, NOW)?.windows).toEqual([{ windowMinutes: 10080, usedPercent: 12, resetsAt: 1_789_300_000_000 }]);
  });

  test("an answer without quota headers gives null", () => {
    expect(parseQuotaHeaders(new Headers({ "content-type": "text/event-stream" }), NOW)).toBeNull();
  });
});

describe("parseUsageLimit", () => {
  test("usage_limit_reached: resets_at wins, plan type kept", () => {
    const body = { error: { type: "usage_limit_reached", message: "The usage limit has been reached", plan_type: "plus", resets_at: 1_789_013_872, resets_in_seconds: 13872 } };
    expect(parseUsageLimit(body, NOW)).toEqual({ planType: "plus", resetsAt: 1_789_013_872_000, resetsInSec: 13872 });
  });

  test("only resets_in_seconds: the reset is counted from now", () => {
    expect(parseUsageLimit({ error: { type: "usage_limit_reached", resets_in_seconds: 60 } }, NOW)).toEqual({ planType: null, resetsAt: NOW + 60_000, resetsInSec: 60 });
  });

  test.each([[{ error: { type: "rate_limit_exceeded" } }], [{ detail: "Unauthorized" }], ["text"], [null]])("%p is not a usage limit", (body) => {
    expect(parseUsageLimit(body, NOW)).toBeNull();
  });
});

describe("parseWhamUsage", () => {
  const usage = (rateLimit: unknown, planType = "plus") => ({ plan_type: planType, rate_limit: rateLimit, credits: { has_credits: false } });

  test("windows classified by limit_window_seconds, not by their field name", () => {
    const body = usage({
      allowed: true,
      limit_reached: false,
      primary_window: { used_percent: 12, limit_window_seconds: 18000, reset_after_seconds: 9000, reset_at: 1_789_009_000 },
      secondary_window: { used_percent: 40, limit_window_seconds: 604800, reset_after_seconds: 300000, reset_at: 1_789_300_000 },
    });
    expect(parseWhamUsage(body, NOW)).toEqual({
      planType: "plus",
      windows: [
        { windowMinutes: 300, usedPercent: 12, resetsAt: 1_789_009_000_000 },
        { windowMinutes: 10080, usedPercent: 40, resetsAt: 1_789_300_000_000 },
      ],
      limitReachedUntil: null,
      observedAt: NOW,
    });
  });

  test("a monthly primary and a weekly tertiary, with secondary null", () => {
    const body = usage(
      {
        primary_window: { used_percent: 5, limit_window_seconds: 2_628_000, reset_at: 1_790_000_000 },
        secondary_window: null,
        tertiary_window: { used_percent: 7, limit_window_seconds: 604800, reset_at: 1_789_100_000 },
      },
      "team",
    );
    expect(parseWhamUsage(body, NOW)?.windows.map((window) => window.windowMinutes)).toEqual([10080, 43800]);
  });

  test("limit_reached rests the account until the spent window resets", () => {
    const body = usage({
      allowed: false,
      limit_reached: true,
      primary_window: { used_percent: 100, limit_window_seconds: 18000, reset_at: 1_789_001_000 },
      secondary_window: { used_percent: 70, limit_window_seconds: 604800, reset_at: 1_789_300_000 },
    });
    expect(parseWhamUsage(body, NOW)?.limitReachedUntil).toBe(1_789_001_000_000);
  });

  test("a body without rate_limit gives null", () => {
    expect(parseWhamUsage({ plan_type: "plus" }, NOW)).toBeNull();
  });
});

describe("bindingWindow", () => {
  const quota = (windows: QuotaWindows["windows"], limitReachedUntil: number | null = null): QuotaWindows => ({
    planType: "plus",
    windows,
    limitReachedUntil,
    observedAt: NOW,
  });

  test("the most used window binds and the headroom is what it has left", () => {
    const five = { windowMinutes: 300, usedPercent: 30, resetsAt: NOW + 3_600_000 };
    const week = { windowMinutes: 10080, usedPercent: 75, resetsAt: NOW + 86_400_000 };
    expect(bindingWindow(quota([five, week]), NOW)).toEqual({ window: week, headroom: 25, restingUntil: null });
  });

  test("a window at 100 % rests the account until its reset", () => {
    const five = { windowMinutes: 300, usedPercent: 100, resetsAt: NOW + 3_600_000 };
    const week = { windowMinutes: 10080, usedPercent: 60, resetsAt: NOW + 86_400_000 };
    expect(bindingWindow(quota([five, week]), NOW)).toEqual({ window: five, headroom: 0, restingUntil: NOW + 3_600_000 });
  });

  test("two spent windows: the account rests until the later reset", () => {
    const five = { windowMinutes: 300, usedPercent: 100, resetsAt: NOW + 3_600_000 };
    const week = { windowMinutes: 10080, usedPercent: 100, resetsAt: NOW + 86_400_000 };
    expect(bindingWindow(quota([five, week]), NOW).restingUntil).toBe(NOW + 86_400_000);
  });

  test("a spent window whose reset has passed counts as empty", () => {
    const five = { windowMinutes: 300, usedPercent: 100, resetsAt: NOW - 1 };
    const week = { windowMinutes: 10080, usedPercent: 20, resetsAt: NOW + 86_400_000 };
    expect(bindingWindow(quota([five, week]), NOW)).toEqual({ window: week, headroom: 80, restingUntil: null });
  });

  test("a usage-limit refusal rests the account even when no window reads 100 %", () => {
    const week = { windowMinutes: 10080, usedPercent: 97, resetsAt: NOW + 86_400_000 };
    const limited = withUsageLimit(quota([week]), { planType: "plus", resetsAt: NOW + 5_000, resetsInSec: 5 }, NOW);
    expect(bindingWindow(limited, NOW)).toEqual({ window: week, headroom: 0, restingUntil: NOW + 5_000 });
    expect(bindingWindow(limited, NOW + 5_000)).toEqual({ window: week, headroom: 3, restingUntil: null });
  });

  test("a spent window without an announced reset rests for one window length from the observation", () => {
    const five = { windowMinutes: 300, usedPercent: 100, resetsAt: null };
    expect(bindingWindow(quota([five]), NOW).restingUntil).toBe(NOW + 300 * 60_000);
  });

  test("nothing known: full headroom, no binding window", () => {
    expect(bindingWindow(null, NOW)).toEqual({ window: null, headroom: 100, restingUntil: null });
    expect(bindingWindow(quota([]), NOW)).toEqual({ window: null, headroom: 100, restingUntil: null });
  });
});
