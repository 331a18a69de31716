/** @module Refresh: single flight, revocation memory, rotation, the stale rule and the run report. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { silentLogger } from "../logger.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { fakeJwt, fakeRefreshToken, grantOf, type OAuthRefresh, type RefreshGrant } from "../../test/pool/fixtures.ts";
import { createRateLimiter } from "./rate-limiter.ts";
import { CODEX_CLIENT_ID } from "../engines/codex/auth/oauth-clients.ts";
import type { RefreshOutcome } from "../engines/codex/auth/refresh-token.ts";
import type { AccountGrant } from "./account-grant.ts";
import { createRefresher, isTokenStale, OWN_REFRESH_SPENT } from "./refresher.ts";

const DAY = 86_400_000;
const NOW = 1_700_000_000_000;
let store: Store;
beforeEach(() => {
  store = createSqliteStore({ path: ":memory:", now: () => NOW });
});
afterEach(() => store.close());

/** An OAuth grant whose answers the test releases by hand, so concurrency is real and no sleep is needed. */
function gatedOAuth(answer: (rt: string) => RefreshGrant) {
  const calls: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const oauthRefresh: OAuthRefresh = async (rt) => {
    calls.push(rt);
    await gate;
    return answer(rt);
  };
  return { calls, release, oauthRefresh };
}

const ok = (tag: string, expMs = NOW + 10 * DAY): RefreshGrant => ({ type: "ok", accessToken: fakeJwt({ expMs, tag }), refreshToken: null });

test.each([
  ["no access token", { accessToken: null, accessTokenExpiresAt: null, accessTokenIssuedAt: null }, true],
  ["expires in 2 days", { accessToken: "t", accessTokenExpiresAt: NOW + 2 * DAY, accessTokenIssuedAt: null }, false],
  ["expires in 23 hours", { accessToken: "t", accessTokenExpiresAt: NOW + DAY - 3_600_000, accessTokenIssuedAt: null }, true],
  ["no exp, 4 days old", { accessToken: "t", accessTokenExpiresAt: null, accessTokenIssuedAt: NOW - 4 * DAY }, false],
  ["no exp, 6 days old", { accessToken: "t", accessTokenExpiresAt: null, accessTokenIssuedAt: NOW - 6 * DAY }, true],
  ["no exp, age unknown (given by the user)", { accessToken: "t", accessTokenExpiresAt: null, accessTokenIssuedAt: null }, false],
])("stale when %s: %p", (_name, state, stale) => {
  expect(isTokenStale(state, NOW)).toBe(stale);
});

test("two concurrent exchanges of one refresh token make one OAuth call and get the same token", async () => {
  const oauth = gatedOAuth(() => ok("one"));
  const refresher = createRefresher({ store, accountGrant: grantOf(oauth.oauthRefresh), logger: silentLogger, now: () => NOW });
  const rt = fakeRefreshToken("own");
  const both = Promise.all([refresher.exchange(rt), refresher.exchange(rt)]);
  oauth.release();
  expect(await both).toEqual([
    { type: "ok", accessToken: fakeJwt({ expMs: NOW + 10 * DAY, tag: "one" }) },
    { type: "ok", accessToken: fakeJwt({ expMs: NOW + 10 * DAY, tag: "one" }) },
  ]);
  expect(await refresher.exchange(rt)).toEqual({ type: "ok", accessToken: fakeJwt({ expMs: NOW + 10 * DAY, tag: "one" }) });
  expect(oauth.calls).toEqual([rt]);
});

test("a revoked own refresh token is remembered and never sent again; an unavailable one is", async () => {
  const dead = fakeRefreshToken("dead");
  const flaky = fakeRefreshToken("flaky");
  const oauth = gatedOAuth((rt) => (rt === dead ? { type: "revoked", reason: "refresh token rejected (invalid_grant)" } : { type: "unavailable", reason: "down" }));
  oauth.release();
  const refresher = createRefresher({ store, accountGrant: grantOf(oauth.oauthRefresh), logger: silentLogger, now: () => NOW });
  for (let i = 0; i < 2; i++) {
    expect(await refresher.exchange(dead)).toEqual({ type: "revoked", reason: "refresh token rejected (invalid_grant)" });
    expect(await refresher.exchange(flaky)).toEqual({ type: "unavailable", reason: "down" });
  }
  expect(oauth.calls).toEqual([dead, flaky, flaky]);
});

test("concurrent refreshes of one account make one call; a fresh account is skipped unless forced", async () => {
  const oauth = gatedOAuth(() => ok("acc"));
  const refresher = createRefresher({ store, accountGrant: grantOf(oauth.oauthRefresh), logger: silentLogger, now: () => NOW });
  const rt = fakeRefreshToken("acc");
  const { added } = await store.addAccounts([{ credential: rt, kind: "refresh", refreshToken: rt }]);
  const id = added[0]?.id ?? "";
  const both = Promise.all([refresher.refreshAccount(id, { force: false }), refresher.refreshAccount(id, { force: true })]);
  oauth.release();
  expect(await both).toEqual([{ type: "refreshed" }, { type: "refreshed" }]);
  expect(await refresher.refreshAccount(id, { force: false })).toEqual({ type: "skipped", reason: "access token still fresh" });
  expect(await refresher.refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
  expect(oauth.calls).toEqual([rt, rt]);
});

test("refreshAll reports refreshed, failed (with masked labels) and skipped accounts", async () => {
  const dead = fakeRefreshToken("deadacct");
  const oauth = gatedOAuth((rt) => (rt === dead ? { type: "revoked", reason: "refresh token rejected (invalid_grant)" } : ok(rt.slice(0, 4))));
  oauth.release();
  const refresher = createRefresher({ store, accountGrant: grantOf(oauth.oauthRefresh), logger: silentLogger, now: () => NOW });
  const live = fakeRefreshToken("liveacct");
  const fresh = fakeRefreshToken("freshacct");
  const { added } = await store.addAccounts([
    { credential: live, kind: "refresh", refreshToken: live },
    { credential: dead, kind: "refresh", refreshToken: dead },
    { credential: fresh, kind: "refresh", refreshToken: fresh, accessToken: "eyJx", accessTokenExpiresAt: NOW + 3 * DAY },
    { credential: "eyJ.access.only", kind: "access", accessToken: "eyJ.access.only" },
  ]);
  expect(await refresher.refreshAll({ force: false })).toEqual({
    refreshed: 1,
    failed: 1,
    skipped: 1,
    failures: [{ accountId: added[1]?.id ?? "", label: `${dead.slice(0, 6)}…${dead.slice(-4)}`, reason: "refresh token rejected (invalid_grant)" }],
  });
  // the revoked account is failed now: a forced run does not send its token again
  const forced = await refresher.refreshAll({ force: true });
  expect({ refreshed: forced.refreshed, failed: forced.failed, skipped: forced.skipped }).toEqual({ refreshed: 2, failed: 0, skipped: 1 });
  expect(oauth.calls.filter((c) => c === dead).length).toBe(1);
});

test("own exchanges past a client's budget are throttled without an OAuth call; answers from memory cost nothing", async () => {
  const calls: string[] = [];
  const oauthRefresh: OAuthRefresh = async (rt) => {
    calls.push(rt);
    return rt.includes("dead") ? { type: "revoked", reason: "refresh token rejected (invalid_grant)" } : ok(rt.slice(0, 8));
  };
  const exchangeLimiter = createRateLimiter({ perKey: { burst: 2, perMinute: 2 }, overall: { burst: 20, perMinute: 20 }, now: () => NOW });
  const refresher = createRefresher({ store, accountGrant: grantOf(oauthRefresh), logger: silentLogger, now: () => NOW, exchangeLimiter });
  const good = fakeRefreshToken("good");
  const dead = fakeRefreshToken("dead");
  const from = { clientAddress: "203.0.113.7" };
  expect((await refresher.exchange(good, from)).type).toBe("ok");
  expect((await refresher.exchange(dead, from)).type).toBe("revoked");
  // the budget is spent, but what is remembered still answers
  expect((await refresher.exchange(good, from)).type).toBe("ok");
  expect((await refresher.exchange(dead, from)).type).toBe("revoked");
  expect(await refresher.exchange(fakeRefreshToken("third"), from)).toEqual({ type: "throttled", retryAfterSec: 30 });
  // another address has its own budget
  expect((await refresher.exchange(fakeRefreshToken("third"), { clientAddress: "203.0.113.8" })).type).toBe("ok");
  expect(calls.length).toBe(3);
});

/** An account grant that records each call (token, client asked for) and answers as the client that would take it. */
function recordingGrant(answer: (rt: string, clientId: string | null) => RefreshOutcome) {
  const calls: Array<[string, string | null]> = [];
  const accountGrant: AccountGrant = async (rt, clientId) => {
    calls.push([rt, clientId]);
    return answer(rt, clientId);
  };
  return { calls, accountGrant };
}

const codexOk = (tag: string, expMs: number): RefreshOutcome => ({
  type: "ok",
  clientId: CODEX_CLIENT_ID,
  tokens: { accessToken: fakeJwt({ expMs, tag }), refreshToken: fakeRefreshToken(`${tag}-next`), idToken: null, expiresInSec: null },
});

test("a caller's Codex refresh token (rotated on exchange) serves its access token until expiry, then is refused without a call", async () => {
  let now = NOW;
  const rt = fakeRefreshToken("codex-own");
  const grant = recordingGrant(() => codexOk("codex", NOW + 10 * DAY));
  const refresher = createRefresher({ store, accountGrant: grant.accountGrant, logger: silentLogger, now: () => now });
  const first = await refresher.exchange(rt);
  expect(first).toEqual({ type: "ok", accessToken: fakeJwt({ expMs: NOW + 10 * DAY, tag: "codex" }) });
  // within the last day a reusable token would be exchanged again; a spent one keeps its access token to the end
  now = NOW + 10 * DAY - 3_600_000;
  expect(await refresher.exchange(rt)).toEqual(first);
  now = NOW + 10 * DAY + 1;
  const refused = { type: "spent" as const, reason: OWN_REFRESH_SPENT };
  expect(await refresher.exchange(rt)).toEqual(refused);
  expect(await refresher.exchange(rt)).toEqual(refused);
  // the client was unknown the first time (web, then Codex, are tried), and the token went out once only
  expect(grant.calls).toEqual([[rt, null]]);
});

test("a caller's reusable refresh token is exchanged again near expiry with the client that took it", async () => {
  let now = NOW;
  const rt = fakeRefreshToken("web-own");
  const grant = recordingGrant((_rt, clientId) => ({
    type: "ok",
    clientId: clientId ?? "web-client",
    tokens: { accessToken: fakeJwt({ expMs: now + 10 * DAY, tag: "web" }), refreshToken: null, idToken: null, expiresInSec: null },
  }));
  const refresher = createRefresher({ store, accountGrant: grant.accountGrant, logger: silentLogger, now: () => now });
  expect((await refresher.exchange(rt)).type).toBe("ok");
  now = NOW + 10 * DAY - 3_600_000;
  expect(await refresher.exchange(rt)).toEqual({ type: "ok", accessToken: fakeJwt({ expMs: now + 10 * DAY, tag: "web" }) });
  expect(grant.calls).toEqual([
    [rt, null],
    [rt, "web-client"],
  ]);
});

test("a caller's refresh token already used elsewhere (refresh_token_reused) is revoked and never sent again", async () => {
  const rt = fakeRefreshToken("used-elsewhere");
  const reason = "refresh token already used (refresh_token_reused): sign in again";
  const grant = recordingGrant(() => ({ type: "reused", clientId: CODEX_CLIENT_ID, reason }));
  const refresher = createRefresher({ store, accountGrant: grant.accountGrant, logger: silentLogger, now: () => NOW });
  expect(await refresher.exchange(rt)).toEqual({ type: "revoked", reason });
  expect(await refresher.exchange(rt)).toEqual({ type: "revoked", reason });
  expect(grant.calls).toHaveLength(1);
});

test("concurrent first exchanges of one Codex refresh token send it once", async () => {
  const rt = fakeRefreshToken("codex-burst");
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const grant = recordingGrant(() => codexOk("burst", NOW + 10 * DAY));
  const gated: AccountGrant = async (token, clientId) => {
    await gate;
    return grant.accountGrant(token, clientId);
  };
  const refresher = createRefresher({ store, accountGrant: gated, logger: silentLogger, now: () => NOW });
  const all = Promise.all(Array.from({ length: 20 }, () => refresher.exchange(rt)));
  release();
  const answers = await all;
  expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
  expect(answers[0]?.type).toBe("ok");
  expect(grant.calls).toHaveLength(1);
});
