/**
 * @module Codex leases and quotas: the most headroom in the binding window wins, windows are told apart by length,
 * a spent account rests until its reset (in the store, so restarts and other instances honour it), all spent is a
 * 429 with the soonest reset, and a Codex lease never hands out an account that cannot serve Codex.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeJwt, fakeRefreshToken } from "../../test/pool/fixtures.ts";
import { FAKE_CODEX_CLIENT, FAKE_WEB_CLIENT, fakeCodexJwt } from "../../test/support/fake-codex-oauth.ts";
import type { RefreshOutcome } from "../engines/codex/auth/refresh-token.ts";
import { parseQuotaHeaders, parseUsageLimit, withUsageLimit, type QuotaWindows } from "../engines/codex/quota.ts";
import { RateLimitError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import type { NewAccount, Store } from "../store/store.ts";
import type { AccountGrant } from "./account-grant.ts";
import { createAccountPool, type AccountPool } from "./account-pool.ts";
import { CODEX_ALL_MODELS, QUOTA_RELOAD_MS } from "./quota-scheduling.ts";
import { createRefresher } from "./refresher.ts";
import { apiErrorOf } from "../reply/api-error-of.ts";

const MODEL = "gpt-5.1-codex";
const DAY = 86_400_000;
let clock = 1_800_000_000_000;
const now = () => clock;

function poolOver(store: Store, accountGrant: AccountGrant = async () => ({ type: "revoked", reason: "no grant in this test" })): AccountPool {
  const refresher = createRefresher({ store, accountGrant, logger: silentLogger, now });
  return createAccountPool({ store, refresher, config: { randomToken: false, enableLimit: true }, logger: silentLogger, now });
}

function codexAccount(tag: string): NewAccount {
  const token = fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId: `acct-${tag}`, plan: "plus" }, { expSec: Math.floor((clock + 10 * DAY) / 1000) });
  return { credential: token, kind: "codex-access", accessToken: token, accessTokenExpiresAt: clock + 10 * DAY, oauthClientId: FAKE_CODEX_CLIENT, chatgptAccountId: `acct-${tag}`, plan: "plus" };
}

/** A quota as the `x-codex-*` headers of one reply tell it: [window minutes, used percent, resets in seconds] by header family. */
function heard(families: Partial<Record<"primary" | "secondary", [number, number, number]>>): QuotaWindows {
  const headers = new Headers();
  for (const [name, [minutes, used, resetsIn]] of Object.entries(families)) {
    headers.set(`x-codex-${name}-window-minutes`, String(minutes));
    headers.set(`x-codex-${name}-used-percent`, String(used));
    headers.set(`x-codex-${name}-reset-at`, String(Math.floor(clock / 1000) + resetsIn));
  }
  const quota = parseQuotaHeaders(headers, clock);
  if (!quota) throw new Error("no quota in the headers");
  return quota;
}

async function codexLeases(pool: AccountPool, n: number, exclude: readonly string[] = []): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await pool.lease({ model: MODEL, exclude: new Set(exclude), engine: "codex" }))?.accountId ?? "none");
  return ids;
}

async function added(store: Store, accounts: NewAccount[]): Promise<string[]> {
  return (await store.addAccounts(accounts)).added.map((row) => row.id);
}

describe("Codex leases by quota", () => {
  let store: Store;
  beforeEach(() => {
    clock = 1_800_000_000_000;
    store = createSqliteStore({ path: ":memory:", now });
  });
  afterEach(() => store.close());

  test("of 3 accounts the one with the most headroom in its binding window is leased, until another has more", async () => {
    const pool = poolOver(store);
    const [a = "", b = "", c = ""] = await added(store, [codexAccount("a"), codexAccount("b"), codexAccount("c")]);
    // nothing heard yet: every account counts as untouched, and they take turns
    expect(await codexLeases(pool, 3)).toEqual([a, b, c]);
    await pool.reportQuota(a, heard({ primary: [300, 80, 3600], secondary: [10_080, 10, 86_400] }));
    await pool.reportQuota(b, heard({ primary: [300, 20, 3600], secondary: [10_080, 5, 86_400] }));
    await pool.reportQuota(c, heard({ primary: [300, 50, 3600], secondary: [10_080, 30, 86_400] }));
    expect(await codexLeases(pool, 3)).toEqual([b, b, b]);
    // b's weekly window now binds it harder than c's 5-hour one binds c
    await pool.reportQuota(b, heard({ primary: [300, 21, 3600], secondary: [10_080, 60, 86_400] }));
    expect(await codexLeases(pool, 2)).toEqual([c, c]);
    expect(await codexLeases(pool, 1, [c])).toEqual([b]);
    const lease = await pool.lease({ model: MODEL, exclude: new Set(), engine: "codex" });
    expect(lease && { accountId: lease.accountId, chatgptAccountId: lease.chatgptAccountId, plan: lease.plan }).toEqual({ accountId: c, chatgptAccountId: "acct-c", plan: "plus" });
  });

  test("windows are told apart by their length, not by the header family that carried them", async () => {
    const pool = poolOver(store);
    const [free = "", plus = ""] = await added(store, [codexAccount("free"), codexAccount("plus")]);
    // Free reports its weekly window as "primary"; Plus a 5-hour primary and a weekly secondary (codex.md §5.3)
    await pool.reportQuota(free, heard({ primary: [10_080, 90, 86_400] }));
    await pool.reportQuota(plus, heard({ primary: [300, 10, 3600], secondary: [10_080, 95, 86_400] }));
    // by position Plus (primary 10 %) would win; by length its weekly window binds at 95 %, Free's at 90 %
    expect(await codexLeases(pool, 2)).toEqual([free, free]);
    // the weekly window heard later under another family is the same window, updated in place
    await pool.reportQuota(plus, heard({ secondary: [300, 10, 3600], primary: [10_080, 40, 86_400] }));
    expect((await store.quotaWindows(plus)).map((w) => [w.windowMinutes, w.usedPercent])).toEqual([
      [300, 10],
      [10_080, 40],
    ]);
    expect(await codexLeases(pool, 1)).toEqual([plus]);
  });

  test("a spent window rests the account for every Codex model until its reset, then it is leased again", async () => {
    const pool = poolOver(store);
    const [a = "", b = ""] = await added(store, [codexAccount("a"), codexAccount("b")]);
    await pool.reportQuota(b, heard({ primary: [300, 70, 3600] }));
    const until = await pool.reportQuota(a, heard({ primary: [300, 100, 600], secondary: [10_080, 40, 86_400] }));
    expect(until).toBe(clock + 600_000);
    expect(await store.activeCooldowns(clock)).toEqual([{ subject: a, model: CODEX_ALL_MODELS, untilMs: clock + 600_000, reason: "quota" }]);
    expect(await codexLeases(pool, 2)).toEqual([b, b]);
    expect(await pool.lease({ model: "gpt-5.1-codex-mini", exclude: new Set(), engine: "codex" }).then((lease) => lease?.accountId)).toBe(b);
    clock += 599_000;
    expect(await codexLeases(pool, 1)).toEqual([b]);
    // the reset passed: the 5-hour window starts afresh, and a's weekly 40 % leaves more room than b's 70 %
    clock += 1_000;
    expect(await codexLeases(pool, 2)).toEqual([a, a]);
  });

  test("a 429 usage_limit_reached rests the account until the reset it names, with no window at 100 %", async () => {
    const pool = poolOver(store);
    const [a = "", b = ""] = await added(store, [codexAccount("a"), codexAccount("b")]);
    const limit = parseUsageLimit({ error: { type: "usage_limit_reached", resets_in_seconds: 1234, plan_type: "plus" } }, clock);
    if (!limit) throw new Error("not a usage limit");
    expect(await pool.reportQuota(a, withUsageLimit(null, limit, clock))).toBe(clock + 1_234_000);
    expect(await codexLeases(pool, 2)).toEqual([b, b]);
    const error = await pool.lease({ model: MODEL, exclude: new Set([b]), engine: "codex" }).catch((e: unknown) => apiErrorOf(e));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers["retry-after"]).toBe("1234");
  });

  test("every Codex account spent → 429 whose Retry-After is the soonest reset, and no refresh or other call is made", async () => {
    const grants: string[] = [];
    const pool = poolOver(store, async (rt) => {
      grants.push(rt);
      return { type: "revoked", reason: "unexpected refresh" };
    });
    const rt = fakeRefreshToken("spent");
    const [a = "", b = "", c = ""] = await added(store, [
      codexAccount("a"),
      codexAccount("b"),
      // stale (no access token): any lease of it would refresh first
      { credential: rt, kind: "codex-refresh", refreshToken: rt, oauthClientId: FAKE_CODEX_CLIENT },
    ]);
    await pool.reportQuota(a, heard({ primary: [300, 100, 900] }));
    await pool.reportQuota(b, heard({ primary: [300, 30, 900], secondary: [10_080, 100, 4000] }));
    await pool.reportQuota(c, withUsageLimit(heard({ primary: [300, 99, 300] }), { planType: null, resetsAt: clock + 300_000, resetsInSec: 300 }, clock));
    const error = await pool.lease({ model: MODEL, exclude: new Set(), engine: "codex" }).catch((e: unknown) => apiErrorOf(e));
    expect(error).toBeInstanceOf(RateLimitError);
    const { status, retryAfterSec, headers, message } = error as RateLimitError;
    expect({ status, retryAfterSec, retryAfter: headers["retry-after"], message }).toEqual({
      status: 429,
      retryAfterSec: 300,
      retryAfter: "300",
      message: `Every Codex account in the pool is resting on its quota for ${MODEL}; try again in 300 s.`,
    });
    expect(grants).toEqual([]);
  });

  test("a Codex lease never hands out an account that cannot serve Codex; a web lease is unchanged", async () => {
    const webRt = fakeRefreshToken("webclient");
    const codexRt = fakeRefreshToken("codexclient");
    const issued: Record<string, { clientId: string; token: string }> = {
      [webRt]: { clientId: FAKE_WEB_CLIENT, token: fakeJwt({ expMs: clock + 10 * DAY, plan: "plus", tag: "web-from-rt" }) },
      [codexRt]: {
        clientId: FAKE_CODEX_CLIENT,
        token: fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId: "acct-rt", plan: "pro" }, { expSec: Math.floor((clock + 10 * DAY) / 1000) }),
      },
    };
    const grants: string[] = [];
    const pool = poolOver(store, async (rt, clientId): Promise<RefreshOutcome> => {
      grants.push(rt);
      const answer = issued[rt];
      // the grant is asked with the token's client unknown (null), as the pool does for a first refresh
      if (!answer || clientId !== null) return { type: "revoked", reason: "unknown token" };
      return { type: "ok", clientId: answer.clientId, tokens: { accessToken: answer.token, refreshToken: null, idToken: null, expiresInSec: null } };
    });
    const web = fakeJwt({ expMs: clock + 10 * DAY, plan: "plus", tag: "web" });
    const [webId = "", noCodex = "", failed = "", webRtId = ""] = await added(store, [
      { credential: web, kind: "access", accessToken: web, accessTokenExpiresAt: clock + 10 * DAY, plan: "plus" },
      { ...codexAccount("no-codex"), hasCodex: false },
      { ...codexAccount("failed"), status: "failed" },
      { credential: webRt, kind: "refresh", refreshToken: webRt },
    ]);
    // the unknown-client refresh token is refreshed once, turns out the web client's, and is not handed out
    expect(await codexLeases(pool, 2)).toEqual(["none", "none"]);
    expect(grants).toEqual([webRt]);
    expect(await store.getAccount(webRtId)).toMatchObject({ kind: "refresh", oauthClientId: FAKE_WEB_CLIENT, status: "active" });
    // a refresh token of unknown client that turns out to be Codex's serves, and so does a Codex access token
    const [codexRtId = "", codexId = ""] = await added(store, [{ credential: codexRt, kind: "refresh", refreshToken: codexRt }, codexAccount("ok")]);
    const leased = await codexLeases(pool, 4);
    expect(new Set(leased)).toEqual(new Set([codexRtId, codexId]));
    expect(await store.getAccount(codexRtId)).toMatchObject({ kind: "codex-refresh", chatgptAccountId: "acct-rt" });
    expect(grants).toEqual([webRt, codexRt]);
    // the web engine's round-robin still walks every active account, as before
    const webLeases = [];
    for (let i = 0; i < 5; i++) webLeases.push((await pool.lease({ model: "gpt-4o", exclude: new Set() }))?.accountId);
    expect(new Set(webLeases)).toEqual(new Set([webId, noCodex, webRtId, codexRtId, codexId]));
    expect(webLeases).not.toContain(failed);
  });

  test("a quota rest leaves the account's web models alone, and hearing a quota marks the account as having Codex", async () => {
    const pool = poolOver(store);
    const [a = ""] = await added(store, [codexAccount("a")]);
    expect((await store.getAccount(a))?.hasCodex).toBeNull();
    await pool.reportQuota(a, heard({ primary: [300, 100, 600] }));
    expect((await store.getAccount(a))?.hasCodex).toBe(true);
    expect(await pool.lease({ model: MODEL, exclude: new Set(), engine: "codex" }).catch((e: unknown) => apiErrorOf(e))).toBeInstanceOf(RateLimitError);
    expect((await pool.lease({ model: "gpt-4o", exclude: new Set() }))?.accountId).toBe(a);
    expect(await pool.cooldownFor(a, "gpt-4o")).toBeNull();
  });

  test("a quota reported for an account removed meanwhile stores nothing", async () => {
    const pool = poolOver(store);
    const [a = ""] = await added(store, [codexAccount("a")]);
    await store.removeAccount(a);
    expect(await pool.reportQuota(a, heard({ primary: [300, 100, 600] }))).toBeNull();
    expect([await store.quotaWindows(), await store.activeCooldowns(clock)]).toEqual([[], []]);
  });
});

test("a quota rest and the windows survive a restart and are seen by another instance on the same database", async () => {
  clock = 1_800_000_000_000;
  const dir = mkdtempSync(join(tmpdir(), "quota-restart-"));
  try {
    const path = join(dir, "pool.db");
    const first = createSqliteStore({ path, now });
    const [a = "", b = "", c = ""] = await added(first, [codexAccount("a"), codexAccount("b"), codexAccount("c")]);
    const other = createSqliteStore({ path, now });
    const otherPool = poolOver(other);
    expect(await codexLeases(otherPool, 3)).toEqual([a, b, c]);
    const pool = poolOver(first);
    await pool.reportQuota(a, heard({ primary: [300, 100, 1800] }));
    await pool.reportQuota(b, heard({ primary: [300, 60, 1800] }));
    await pool.reportQuota(c, heard({ primary: [300, 15, 1800] }));
    // the rest is a pool change: the other instance skips a at once; the windows it reads within QUOTA_RELOAD_MS
    expect((await codexLeases(otherPool, 3)).includes(a)).toBe(false);
    clock += QUOTA_RELOAD_MS;
    expect(await codexLeases(otherPool, 2)).toEqual([c, c]);
    await Promise.all([first.close(), other.close()]);

    const reopened = createSqliteStore({ path, now });
    try {
      const restarted = poolOver(reopened);
      expect(await codexLeases(restarted, 2)).toEqual([c, c]);
      expect(await codexLeases(restarted, 1, [c])).toEqual([b]);
      const error = await restarted.lease({ model: MODEL, exclude: new Set([b, c]), engine: "codex" }).catch((e: unknown) => apiErrorOf(e));
      expect((error as RateLimitError).headers["retry-after"]).toBe(String(1800 - QUOTA_RELOAD_MS / 1000));
    } finally {
      await reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
