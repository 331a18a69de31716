/** Quotas (codex.md §5, §9 items 17, 18, 21): headers on every answer, window layouts, budgets, 429s, wham/usage. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, codexHeaders, postResponses } from "./test-client.ts";
import type { CodexAccount } from "./types.ts";

function codexHeadersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith("x-codex-") && name !== "x-codex-turn-state") out[name] = value;
  });
  return out;
}

async function call(url: string, account: CodexAccount): Promise<Response> {
  const response = await postResponses(url, account, codexBody());
  await response.arrayBuffer();
  return response;
}

describe("headers", () => {
  test("Plus: a 5-hour primary and a weekly secondary, used percent as floats, both reset forms, credits True/False", async () => {
    const now = 1_790_000_000_000;
    await using emu = await startEmulator({ now: () => now });
    const account = emu.addCodexAccount({ plan: "plus" });
    await call(emu.url, account);
    const second = await call(emu.url, account);
    expect(codexHeadersOf(second)).toEqual({
      "x-codex-active-limit": "codex",
      "x-codex-plan-type": "plus",
      "x-codex-primary-used-percent": "2.0",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-at": String(now / 1000 + 18_000),
      "x-codex-primary-reset-after-seconds": "18000",
      "x-codex-secondary-used-percent": "2.0",
      "x-codex-secondary-window-minutes": "10080",
      "x-codex-secondary-reset-at": String(now / 1000 + 604_800),
      "x-codex-secondary-reset-after-seconds": "604800",
      "x-codex-primary-over-secondary-limit-percent": "0",
      "x-codex-credits-has-credits": "False",
      "x-codex-credits-unlimited": "False",
      "x-codex-credits-balance": "0",
    });
  });

  test("Free: the weekly window is the primary, the secondary is empty (0, 0, no reset)", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "free" });
    const headers = codexHeadersOf(await call(emu.url, account));
    expect([headers["x-codex-primary-window-minutes"], headers["x-codex-secondary-window-minutes"], headers["x-codex-secondary-used-percent"], "x-codex-secondary-reset-at" in headers, headers["x-codex-plan-type"]]).toEqual([
      "10080",
      "0",
      "0.0",
      false,
      "free",
    ]);
  });

  test("custom layouts: a Team workspace with a ~30-day primary", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "team", windows: [43_800], limit: 4 });
    const headers = codexHeadersOf(await call(emu.url, account));
    expect([headers["x-codex-primary-window-minutes"], headers["x-codex-primary-used-percent"]]).toEqual(["43800", "25.0"]);
  });
});

describe("budgets and 429", () => {
  test("a budget of two: the third request is 429 usage_limit_reached with resets_at and resets_in_seconds", async () => {
    const now = 1_790_000_000_000;
    await using emu = await startEmulator({ now: () => now });
    const account = emu.addCodexAccount({ plan: "pro" });
    emu.codex.setQuota(account.id, { windowMinutes: 300, limit: 2 });
    const statuses = [(await call(emu.url, account)).status, (await call(emu.url, account)).status];
    const limited = await postResponses(emu.url, account, codexBody());
    expect([statuses, limited.status, limited.headers.get("content-type"), await limited.json(), limited.headers.get("x-codex-primary-used-percent")]).toEqual([
      [200, 200],
      429,
      "application/json",
      { error: { type: "usage_limit_reached", message: "The usage limit has been reached", plan_type: "pro", resets_at: now / 1000 + 18_000, eligible_promo: null, resets_in_seconds: 18_000 } },
      "100.0",
    ]);
    expect([emu.codex.stats().usageLimited, emu.codex.quota(account.id).map((w) => w.used)]).toEqual([1, [2, 2]]);
  });

  test("exhaust(secondary) binds on the weekly reset; the window frees itself when the clock passes it", async () => {
    let now = 1_790_000_000_000;
    await using emu = await startEmulator({ now: () => now });
    const account = emu.addCodexAccount();
    emu.codex.exhaust(account.id, 10_080);
    const limited = await postResponses(emu.url, account, codexBody());
    const body = (await limited.json()) as { error: { resets_at: number } };
    now += 604_800_000;
    const after = await call(emu.url, account);
    expect([limited.status, body.error.resets_at, limited.headers.get("x-codex-secondary-used-percent"), after.status, after.headers.get("x-codex-secondary-used-percent")]).toEqual([
      429,
      1_790_000_000 + 604_800,
      "100.0",
      200,
      "1.0",
    ]);
  });

  test("one account's exhaustion leaves another alone", async () => {
    await using emu = await startEmulator();
    const a = emu.addCodexAccount();
    const b = emu.addCodexAccount();
    emu.codex.exhaust(a.email);
    expect([(await call(emu.url, a)).status, (await call(emu.url, b)).status]).toEqual([429, 200]);
  });
});

describe("GET /backend-api/wham/usage", () => {
  async function usage(url: string, account: CodexAccount): Promise<Record<string, unknown>> {
    return (await (await fetch(`${url}/backend-api/wham/usage`, { headers: codexHeaders(account) })).json()) as Record<string, unknown>;
  }

  test("Plus: primary 18000 s and secondary 604800 s windows, integer percentages, credits, no limit reached", async () => {
    const now = 1_790_000_000_000;
    await using emu = await startEmulator({ now: () => now });
    const account = emu.addCodexAccount({ plan: "plus", limit: 3 });
    await call(emu.url, account);
    expect(await usage(emu.url, account)).toEqual({
      plan_type: "plus",
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: { used_percent: 33, limit_window_seconds: 18_000, reset_after_seconds: 18_000, reset_at: now / 1000 + 18_000 },
        secondary_window: { used_percent: 33, limit_window_seconds: 604_800, reset_after_seconds: 604_800, reset_at: now / 1000 + 604_800 },
      },
      code_review_rate_limit: null,
      additional_rate_limits: [],
      credits: { has_credits: false, unlimited: false, overage_limit_reached: false, balance: "0", approx_local_messages: [0, 0], approx_cloud_messages: [0, 0] },
      spend_control: { reached: false, individual_limit: null },
      rate_limit_reached_type: null,
      rate_limit_reset_credits: { available_count: 0 },
      promo: null,
    });
    expect(emu.codex.stats().usage).toBe(1);
  });

  test("Free: weekly primary, secondary null; exhausted: not allowed, limit_reached, reached type", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "free" });
    emu.codex.exhaust(account.id);
    const body = (await usage(emu.url, account)) as { rate_limit: Record<string, unknown>; rate_limit_reached_type: unknown };
    expect([(body.rate_limit.primary_window as { limit_window_seconds: number }).limit_window_seconds, body.rate_limit.secondary_window, body.rate_limit.allowed, body.rate_limit.limit_reached, body.rate_limit_reached_type]).toEqual([
      604_800,
      null,
      false,
      true,
      { type: "rate_limit_reached" },
    ]);
  });

  test("three windows add a tertiary_window", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "team", windows: [300, 10_080, 43_800] });
    const body = (await usage(emu.url, account)) as { rate_limit: { tertiary_window: { limit_window_seconds: number } } };
    expect(body.rate_limit.tertiary_window.limit_window_seconds).toBe(2_628_000);
  });
});
