/**
 * @module Session tokens as credentials, with a scripted session grant: a pool account exchanged (rotation stored in
 * the commit that spends the old token, a dead session failing the account with its reason, an outage leaving it
 * active), and a caller's own token exchanged once, its rotated successor sent next, a dead one never sent again.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { SessionGrantOutcome } from "../engines/web/auth/session-exchange.ts";
import { silentLogger } from "../logger.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { fakeJwt } from "../../test/pool/fixtures.ts";
import { fakeSessionToken } from "../../test/support/fake-session-token.ts";
import { createRateLimiter } from "./rate-limiter.ts";
import { createRefresher } from "./refresher.ts";
import type { SessionGrant } from "./session-grant.ts";

const NOW = 1_800_000_000_000;
const ACCESS = fakeJwt({ expMs: NOW + 10 * 86_400_000, plan: "plus", tag: "s" });
const FIRST = fakeSessionToken("first");
const SECOND = fakeSessionToken("second");

let store: Store;
beforeEach(() => {
  store = createSqliteStore({ path: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

/** A grant answering from a script, recording the tokens it was sent. */
function scripted(answer: (token: string) => SessionGrantOutcome): { grant: SessionGrant; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    grant: async (token) => {
      sent.push(token);
      return answer(token);
    },
  };
}

const ok = (sessionToken: string, sent: string): SessionGrantOutcome => ({ type: "ok", accessToken: ACCESS, sessionToken, rotated: sessionToken !== sent });

async function addSessionAccount(credential = FIRST): Promise<string> {
  const { added } = await store.addAccounts([{ credential, kind: "session", refreshToken: credential }]);
  return added[0]?.id ?? "";
}

describe("a pool account's session token", () => {
  test("exchanged: access token, expiry and plan stored; a rotation replaces the session token and spends the old one", async () => {
    const id = await addSessionAccount();
    const upstream = scripted((token) => ok(token === FIRST ? SECOND : token, token));
    const refresher = createRefresher({ store, accountGrant: async () => ({ type: "revoked", reason: "never" }), sessionGrant: upstream.grant, logger: silentLogger, now: () => NOW });
    expect(await refresher.refreshAccount(id, { force: false })).toEqual({ type: "refreshed" });
    expect(await store.getAccount(id)).toMatchObject({ kind: "session", credential: FIRST, refreshToken: SECOND, accessToken: ACCESS, plan: "plus", status: "active", lastError: null });
    expect(await store.isRefreshTokenUsed(FIRST)).toBe(true);
    expect(await refresher.refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
    expect(upstream.sent).toEqual([FIRST, SECOND]);
    expect((await store.getAccount(id))?.refreshToken).toBe(SECOND);
  });

  test("a dead session fails the account with its reason; an outage only notes it", async () => {
    const dead = await addSessionAccount(FIRST);
    const down = await addSessionAccount(SECOND);
    const upstream = scripted((token) => (token === FIRST ? { type: "dead", reason: "the session has ended" } : { type: "unavailable", reason: "HTTP 503" }));
    const refresher = createRefresher({ store, accountGrant: async () => ({ type: "revoked", reason: "never" }), sessionGrant: upstream.grant, logger: silentLogger, now: () => NOW });
    expect(await refresher.refreshAccount(dead, { force: true })).toEqual({ type: "revoked", reason: "the session has ended" });
    expect(await refresher.refreshAccount(down, { force: true })).toEqual({ type: "unavailable", reason: "HTTP 503" });
    expect([await store.getAccount(dead), await store.getAccount(down)].map((a) => [a?.status, a?.lastError])).toEqual([
      ["failed", "the session has ended"],
      ["active", "session exchange failed: HTTP 503"],
    ]);
  });

  test("concurrent refreshes of one account make one exchange", async () => {
    const id = await addSessionAccount();
    const upstream = scripted((token) => ok(SECOND, token));
    const refresher = createRefresher({ store, accountGrant: async () => ({ type: "revoked", reason: "never" }), sessionGrant: upstream.grant, logger: silentLogger, now: () => NOW });
    await Promise.all(Array.from({ length: 20 }, () => refresher.refreshAccount(id, { force: false })));
    expect(upstream.sent).toEqual([FIRST]);
  });
});

describe("a caller's own session token", () => {
  test("exchanged once while its access token is fresh; the rotated successor is what is sent next", async () => {
    let now = NOW;
    const upstream = scripted((token) => ok(token === FIRST ? SECOND : token, token));
    const refresher = createRefresher({ store, accountGrant: async () => ({ type: "revoked", reason: "never" }), sessionGrant: upstream.grant, logger: silentLogger, now: () => now });
    const results = await Promise.all(Array.from({ length: 10 }, () => refresher.exchangeSession(FIRST)));
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ type: "ok", accessToken: ACCESS })]));
    expect(upstream.sent).toEqual([FIRST]);
    now += 9.5 * 86_400_000;
    expect(await refresher.exchangeSession(FIRST)).toEqual({ type: "ok", accessToken: ACCESS });
    expect(upstream.sent).toEqual([FIRST, SECOND]);
  });

  test("a dead one is remembered and never sent again; exchanges are budgeted per address", async () => {
    const upstream = scripted(() => ({ type: "dead", reason: "the session has ended" }));
    const exchangeLimiter = createRateLimiter({ perKey: { burst: 1, perMinute: 1 }, overall: { burst: 10, perMinute: 10 }, now: () => NOW });
    const refresher = createRefresher({ store, accountGrant: async () => ({ type: "revoked", reason: "never" }), sessionGrant: upstream.grant, logger: silentLogger, now: () => NOW, exchangeLimiter });
    expect(await refresher.exchangeSession(FIRST, { clientAddress: "a" })).toEqual({ type: "dead", reason: "the session has ended" });
    expect(await refresher.exchangeSession(FIRST, { clientAddress: "a" })).toEqual({ type: "dead", reason: "the session has ended" });
    expect((await refresher.exchangeSession(SECOND, { clientAddress: "a" })).type).toBe("throttled");
    expect(upstream.sent).toEqual([FIRST]);
  });
});
