/**
 * @module The pool end to end: chat2api with AUTHORIZATION against the strict emulator. The emulator's request log
 * is the witness of which account served each attempt; the management API shows what the pool learned.
 */
import { describe, expect, test } from "bun:test";
import type { Fault } from "../emulator/index.ts";
import { ADMIN_KEY, POOL_KEY, type PoolHarness, startPoolHarness } from "./pool-harness.ts";

interface AccountJson {
  id: string;
  label: string;
  status: string;
  lastError: string | null;
  accessTokenExpiresAt: number | null;
  cooldowns: Array<{ model: string; reason: string }>;
}

async function accounts(h: PoolHarness): Promise<AccountJson[]> {
  return ((await (await h.admin("GET", "/accounts")).json()) as { data: AccountJson[] }).data;
}

async function addTokens(h: PoolHarness, tokens: string[]): Promise<void> {
  const response = await h.admin("POST", "/accounts", { tokens: tokens.join("\n") });
  expect(response.status).toBe(200);
}

/** Three plus accounts in the emulator, added to the pool by access token in this order. */
async function threeAccounts(h: PoolHarness) {
  const list = [h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" })];
  await addTokens(h, list.map((a) => a.accessToken));
  return list.map((a) => a.id) as [string, string, string];
}

/** No token, key or refresh token of the test in anything chat2api logged. */
function expectNoSecrets(h: PoolHarness, secrets: string[]): void {
  expect(secrets.filter((secret) => h.logs.some((line) => line.includes(secret)))).toEqual([]);
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("pool end to end", () => {
  test("round-robin rotates across 3 accounts, and the request log names each", async () => {
    await using h = await startPoolHarness();
    const [a, b, c] = await threeAccounts(h);
    for (let i = 0; i < 6; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.servedBy()).toEqual([a, b, c, a, b, c].map((id) => `${id}:200`));
    const ids = (await accounts(h)).map((x) => x.id);
    await until(async () => ((await (await h.admin("GET", "/requests")).json()) as { data: unknown[] }).data.length === 6, "6 logged requests");
    const logged = ((await (await h.admin("GET", "/requests")).json()) as { data: Array<{ accountId: string; status: number; clientKey: string; model: string }> }).data;
    expect(logged.map((r) => [r.accountId, r.status, r.clientKey, r.model]).reverse()).toEqual(
      [0, 1, 2, 0, 1, 2].map((i) => [ids[i] ?? "missing", 200, `key:${new Bun.CryptoHasher("sha256").update(POOL_KEY).digest("hex").slice(0, 8)}`, "gpt-4o"]),
    );
    expectNoSecrets(h, [POOL_KEY, ADMIN_KEY]);
  });

  test.each<[string, Fault["kind"], string, (x: AccountJson) => unknown]>([
    ["401 → next account; the first is marked failed", { type: "status", status: 401 }, "401", (x) => [x.status, x.lastError]],
    ["403 Cloudflare → next account; the first rests (blocked)", { type: "cloudflare" }, "403", (x) => [x.status, x.cooldowns]],
    ["429 clears_in → next account; the first rests for that model", { type: "cap", clearsInSec: 3600 }, "429", (x) => [x.status, x.cooldowns]],
    ["502 → next account; the first stays active", { type: "status", status: 502 }, "502", (x) => [x.status, x.cooldowns]],
  ])("%s", async (name, kind, status, view) => {
    await using h = await startPoolHarness();
    const [a, b] = await threeAccounts(h);
    h.emulator.inject({ endpoint: "conversation", account: a, kind });
    const response = await h.chat("gpt-4o");
    expect(response.status).toBe(200);
    expect(h.servedBy()).toEqual([`${a}:${status}`, `${b}:200`]);
    const first = (await accounts(h))[0];
    if (!first) throw new Error("no account");
    const expected: Record<string, unknown> = {
      "401": ["failed", "upstream rejected the access token (401)"],
      "403": ["active", [{ model: "*", untilMs: expect.any(Number), reason: "blocked" }]],
      "429": ["active", [{ model: "gpt-4o", untilMs: expect.any(Number), reason: "capped" }]],
      "502": ["active", []],
    };
    expect({ name, state: view(first) }).toEqual({ name, state: expected[status] });
  });

  test("a cap is honoured after a restart: the capped account is not asked again for that model", async () => {
    await using h = await startPoolHarness();
    const [a, b, c] = await threeAccounts(h);
    h.emulator.inject({ endpoint: "conversation", account: a, kind: { type: "cap", clearsInSec: 3600 } });
    expect((await h.chat("gpt-4o")).status).toBe(200);
    await h.restart();
    const from = h.emulator.log.length;
    for (let i = 0; i < 4; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.servedBy(from)).toEqual([b, c, b, c].map((id) => `${id}:200`));
    // other models still go to it
    expect((await h.chat("gpt-4o-mini")).status).toBe(200);
    expect(h.servedBy(from).at(-1)).toBe(`${a}:200`);
  });

  test("a free model goes to the free account, never burning the plus account's cap while the free one can serve", async () => {
    await using h = await startPoolHarness();
    const plus = h.emulator.addAccount({ plan: "plus" });
    const free = h.emulator.addAccount({ plan: "free" });
    await addTokens(h, [plus.accessToken, free.accessToken]);
    for (let i = 0; i < 3; i++) expect((await h.chat("gpt-4o-mini")).status).toBe(200);
    expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.servedBy()).toEqual([free.id, free.id, free.id, plus.id].map((id) => `${id}:200`));
    h.emulator.inject({ endpoint: "conversation", account: free.id, kind: { type: "cap", clearsInSec: 600, model: "gpt-4o-mini" } });
    const from = h.emulator.log.length;
    expect((await h.chat("gpt-4o-mini")).status).toBe(200);
    expect(h.servedBy(from)).toEqual([`${free.id}:429`, `${plus.id}:200`]);
  });

  test("when every account is capped, 429 with Retry-After of the soonest clear, without asking upstream again", async () => {
    await using h = await startPoolHarness();
    const x = h.emulator.addAccount({ plan: "plus" });
    const y = h.emulator.addAccount({ plan: "plus" });
    await addTokens(h, [x.accessToken, y.accessToken]);
    h.emulator.inject({ endpoint: "conversation", account: x.id, kind: { type: "cap", clearsInSec: 3600 } });
    h.emulator.inject({ endpoint: "conversation", account: y.id, kind: { type: "cap", clearsInSec: 120 } });
    const first = await h.chat("gpt-4o");
    expect(first.status).toBe(429);
    const from = h.emulator.log.length;
    const second = await h.chat("gpt-4o");
    const body = (await second.json()) as { error: { type: string; code: string } };
    expect({ status: second.status, type: body.error.type, code: body.error.code }).toEqual({ status: 429, type: "rate_limit_error", code: "rate_limit_exceeded" });
    const retryAfter = Number(second.headers.get("retry-after"));
    expect(retryAfter > 100 && retryAfter <= 120).toBe(true);
    expect(h.servedBy(from)).toEqual([]);
  });

  test("two concurrent requests with one refresh token cause exactly one refresh", async () => {
    await using h = await startPoolHarness();
    const own = h.emulator.addAccount({ plan: "plus" });
    const [r1, r2] = await Promise.all([h.chat("gpt-4o", own.refreshToken), h.chat("gpt-4o", own.refreshToken)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect((await h.chat("gpt-4o", own.refreshToken)).status).toBe(200);
    expect(h.emulator.stats().oauthRefreshes).toBe(1);
    expect(h.servedBy()).toEqual([`${own.id}:200`, `${own.id}:200`, `${own.id}:200`]);
    expectNoSecrets(h, [own.refreshToken, own.accessToken]);
  });

  test("a revoked refresh token: a caller gets a clear 401; the OAuth host is asked once per known client, then never again", async () => {
    await using h = await startPoolHarness();
    const own = h.emulator.addAccount({ plan: "plus" });
    h.emulator.revokeRefreshToken(own.refreshToken);
    for (let i = 0; i < 2; i++) {
      const response = await h.chat("gpt-4o", own.refreshToken);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect({ status: response.status, code: body.error.code }).toEqual({ status: 401, code: "refresh_token_revoked" });
      expect(body.error.message).not.toContain(own.refreshToken);
    }
    // the token's client is not known: each of the four known clients (web-2026.md §8.2) refuses it once
    expect(h.emulator.stats().oauthRefreshes).toBe(4);
    expectNoSecrets(h, [own.refreshToken]);
  });

  test("a revoked refresh token in the pool is marked failed with the reason and skipped", async () => {
    await using h = await startPoolHarness();
    const dead = h.emulator.addAccount({ plan: "plus" });
    const live = h.emulator.addAccount({ plan: "plus" });
    h.emulator.revokeRefreshToken(dead.refreshToken);
    await addTokens(h, [dead.refreshToken, live.accessToken]);
    for (let i = 0; i < 3; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.servedBy()).toEqual([live.id, live.id, live.id].map((id) => `${id}:200`));
    // its client is not known yet: each of the four known clients refuses it
    expect((await accounts(h)).map((x) => [x.status, x.lastError])).toEqual([
      ["failed", "refresh token rejected by every known OAuth client (invalid_grant)"],
      ["active", null],
    ]);
    expect(h.emulator.stats().oauthRefreshes).toBe(4);
    expectNoSecrets(h, [dead.refreshToken, live.accessToken]);
  });

  test("rotated refresh tokens are stored: forced refreshes keep working after the old token dies", async () => {
    await using h = await startPoolHarness();
    h.emulator.rotateRefreshTokens = true;
    const acct = h.emulator.addAccount({ plan: "plus" });
    await addTokens(h, [acct.refreshToken]);
    expect((await h.chat("gpt-4o")).status).toBe(200);
    const [row] = await accounts(h);
    for (let i = 0; i < 2; i++) {
      const refreshed = await h.admin("POST", `/accounts/${row?.id}/refresh`);
      expect(await refreshed.json()).toEqual({ type: "refreshed" });
    }
    expect(h.emulator.stats().oauthRefreshes).toBe(3);
    expect((await h.chat("gpt-4o")).status).toBe(200);
  });

  test("SCHEDULED_REFRESH: stale refresh-token accounts are refreshed at start, then on the cron pattern", async () => {
    await using h = await startPoolHarness();
    const one = h.emulator.addAccount({ plan: "plus" });
    const two = h.emulator.addAccount({ plan: "free" });
    await addTokens(h, [one.refreshToken, two.refreshToken]);
    expect(h.emulator.stats().oauthRefreshes).toBe(0);
    await h.restart({ SCHEDULED_REFRESH: "true", REFRESH_CRON: "* * * * * *" });
    // the start-up run begins a moment after the port opens (HOUSEKEEPING_DELAY_MS)
    const startRun = (line: string) => line.includes('"msg":"token refresh run finished"') && line.includes('"trigger":"start"');
    await until(() => h.logs.some(startRun), "the start-up run");
    // the run's own report: the cron, every second, may already have refreshed both again by the time this looks
    expect(JSON.parse(h.logs.find(startRun) as string)).toMatchObject({ refreshed: 2, failed: 0 });
    expect(h.emulator.stats().oauthRefreshes).toBeGreaterThanOrEqual(2);
    expect((await accounts(h)).map((x) => x.accessTokenExpiresAt !== null)).toEqual([true, true]);
    // the cron run is forced: both fresh tokens are refreshed again within the next second or two
    await until(() => h.emulator.stats().oauthRefreshes >= 4, "a cron run");
    // the run reports once its last refresh is stored, a moment after the emulator counted the call
    await until(() => h.logs.some((line) => line.includes('"msg":"token refresh run finished"') && line.includes('"trigger":"cron"')), "the cron run's report");
  });

  test("the management API refuses without the key and with a wrong one", async () => {
    await using h = await startPoolHarness();
    const none = await fetch(`${h.server.url}/admin/api/accounts`);
    const wrong = await fetch(`${h.server.url}/tokens/upload`, { method: "POST", headers: { authorization: `Bearer ${POOL_KEY}x` }, body: new URLSearchParams({ text: "x" }) });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect((await fetch(`${h.server.url}/tokens`)).status).toBe(200);
  });
});
