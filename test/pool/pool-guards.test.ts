/**
 * @module What a pool key never gets, and what strangers cannot make the server do: no silent no-login answer while
 * the pool has accounts, and no unbounded OAuth calls for token-shaped bearers.
 */
import { describe, expect, test } from "bun:test";
import { startHarness } from "../e2e/harness.ts";
import { POOL_KEY, type PoolHarness, startPoolHarness } from "./pool-harness.ts";

async function addTokens(h: PoolHarness, tokens: string[]): Promise<void> {
  const response = await h.admin("POST", "/accounts", { tokens: tokens.join("\n") });
  expect(response.status).toBe(200);
}

/** Pool account ids in the order the management API lists them (by credential label, not by insertion). */
async function accountIds(h: PoolHarness): Promise<Array<{ id: string; label: string }>> {
  return ((await (await h.admin("GET", "/accounts")).json()) as { data: Array<{ id: string; label: string }> }).data;
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

/** A 45-character refresh-token-shaped string, different each call. */
function randomRefreshShaped(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const bytes = crypto.getRandomValues(new Uint8Array(45));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

describe("a pool key", () => {
  test("with an empty pool is served in no-login mode, as chat2api does", async () => {
    await using h = await startPoolHarness();
    const response = await h.chat("gpt-3.5-turbo");
    expect(response.status).toBe(200);
    expect(h.servedBy()).toEqual(["anon:200"]);
  });

  test("with every account failed or disabled gets a 503 that says why, and nothing is sent upstream", async () => {
    await using h = await startPoolHarness();
    const dead = h.emulator.addAccount({ plan: "plus" });
    const idle = h.emulator.addAccount({ plan: "plus" });
    h.emulator.inject({ endpoint: "conversation", account: dead.id, kind: { type: "status", status: 401 } });
    await addTokens(h, [dead.accessToken, idle.accessToken]);
    const idleRow = (await accountIds(h)).find((a) => idle.accessToken.endsWith(a.label.slice(-4)) && idle.accessToken.startsWith(a.label.slice(0, 6)));
    expect((await h.admin("POST", `/accounts/${idleRow?.id}/disable`)).status).toBe(200);
    // the first request meets the 401 and marks the account failed; it has nothing left to try
    expect((await h.chat("gpt-4o")).status).not.toBe(200);
    expect(h.servedBy()).toEqual([`${dead.id}:401`]);
    const before = h.emulator.log.length;
    const refused = await errorOf(await h.chat("gpt-4o"));
    expect(refused).toEqual({
      status: 503,
      code: "pool_unavailable",
      message: expect.stringContaining("of 2 accounts, 1 failed, 1 disabled") as unknown as string,
    });
    expect(h.emulator.log.slice(before)).toEqual([]);
  });

  test("during a refresh outage gets a 503 naming the refresh failure, not a no-login answer", async () => {
    await using h = await startPoolHarness();
    const account = h.emulator.addAccount({ plan: "plus" });
    h.emulator.inject({ endpoint: "oauth", times: 100, kind: { type: "status", status: 503 } });
    await addTokens(h, [account.refreshToken]);
    const refused = await errorOf(await h.chat("gpt-4o"));
    expect(refused.status).toBe(503);
    expect(refused.code).toBe("pool_unavailable");
    expect(refused.message).toContain("1 has no usable access token (refresh failed");
    expect(h.servedBy()).toEqual([]);
  });
});

describe("refresh-token-shaped bearers from strangers", () => {
  test("1,000 random 45-character bearers cause a bounded number of OAuth calls; the rest are told to slow down", async () => {
    await using h = await startHarness({ env: { REFRESH_EXCHANGE_LIMIT: "5" } });
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          h.fetch("/v1/chat/completions", {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${randomRefreshShaped()}` },
            body: JSON.stringify({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: "hi" }] }),
          }),
        ),
      );
      for (const response of responses) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        await response.body?.cancel();
      }
    }
    // one client address: its burst of 5 exchanges, whatever refills while the test runs, and nothing more; a token of
    // unknown client is tried with each known client (web-2026.md §8.2: four), so each exchange is four OAuth calls
    const exchanges = statuses.get(401) ?? 0;
    expect(exchanges).toBeLessThanOrEqual(6);
    expect(h.emulator.stats().oauthRefreshes).toBe(4 * exchanges);
    expect(statuses.get(429)).toBe(1000 - exchanges);
    expect(h.emulator.stats().conversations).toBe(0);
  }, 60_000);

  test("a pool key is recognised before any exchange: it never costs an OAuth call", async () => {
    await using h = await startPoolHarness();
    for (let i = 0; i < 3; i++) await (await h.chat("gpt-3.5-turbo", POOL_KEY)).text();
    expect(h.emulator.stats().oauthRefreshes).toBe(0);
  });
});
