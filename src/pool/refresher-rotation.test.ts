/**
 * @module Single-use, rotating refresh tokens in the pool, against a fake auth host that counts reuses: the client
 * found on the first refresh, one refresh across two refreshers, and restarts before and after the successor is
 * stored — a restart never resends a spent token.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CODEX_CLIENT, CODEX_CLIENT_ID } from "../engines/codex/auth/oauth-clients.ts";
import { refreshWithClients } from "../engines/codex/auth/refresh-token.ts";
import { silentLogger } from "../logger.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { FAKE_WEB_CLIENT, type FakeCodexOAuth, startFakeCodexOAuth } from "../../test/support/fake-codex-oauth.ts";
import { createAccountGrant } from "./account-grant.ts";
import { createRefresher, INTERRUPTED_REFRESH, type Refresher } from "./refresher.ts";

const WEB = { id: FAKE_WEB_CLIENT, refreshRedirectUri: "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback" };
let auth: FakeCodexOAuth;
let dir: string;
let store: Store;
const path = () => join(dir, "pool.db");

beforeEach(() => {
  auth = startFakeCodexOAuth();
  dir = mkdtempSync(join(tmpdir(), "rotation-"));
  store = createSqliteStore({ path: path() });
});
afterEach(async () => {
  await store.close();
  await auth.stop();
  rmSync(dir, { recursive: true, force: true });
});

function refresherOn(on: Store, fetchImpl?: typeof fetch): Refresher {
  const accountGrant = createAccountGrant({ authBaseUrl: auth.url, webClient: WEB, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  return createRefresher({ store: on, accountGrant, logger: silentLogger });
}

async function addRefreshAccount(on: Store, refreshToken: string): Promise<string> {
  const { added } = await on.addAccounts([{ credential: refreshToken, kind: "refresh", refreshToken }]);
  return added[0]?.id ?? "";
}

test("a Codex refresh token's client is found on its first refresh (the web clients tried first) and used from then on", async () => {
  const id = await addRefreshAccount(store, auth.issueRefreshToken({ accountId: "acct-codex", plan: "pro" }));
  const refresher = refresherOn(store);
  expect(await refresher.refreshAccount(id, { force: false })).toEqual({ type: "refreshed" });
  expect(await store.getAccount(id)).toMatchObject({ kind: "codex-refresh", oauthClientId: CODEX_CLIENT_ID, chatgptAccountId: "acct-codex", plan: "pro", refreshStartedAt: null, lastError: null });
  expect(await refresher.refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
  // the configured (legacy iOS) and the mobile client refuse it once each; the second refresh asks Codex alone
  expect(auth.counts).toMatchObject({ refreshes: 2, wrongClient: 2, reuses: 0 });
});

test("a web refresh token keeps its kind and is remembered as the web client's", async () => {
  const id = await addRefreshAccount(store, auth.issueRefreshToken({ clientId: FAKE_WEB_CLIENT }));
  expect(await refresherOn(store).refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
  expect(await store.getAccount(id)).toMatchObject({ kind: "refresh", oauthClientId: FAKE_WEB_CLIENT });
  expect(auth.counts).toMatchObject({ refreshes: 1, wrongClient: 0 });
});

test("rotation: the successor is stored, the old token spent; 40 concurrent refreshes on two refreshers make one call", async () => {
  const first = auth.issueRefreshToken();
  const id = await addRefreshAccount(store, first);
  const [a, b] = [refresherOn(store), refresherOn(store)];
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).refreshAccount(id, { force: false })));
  expect(new Set(results.map((r) => r.type))).toEqual(new Set(["refreshed", "skipped"]));
  const row = await store.getAccount(id);
  expect(auth.liveRefreshTokens()).toEqual([row?.refreshToken ?? ""]);
  expect([await store.isRefreshTokenUsed(first), row?.credential]).toEqual([true, first]);
  expect(auth.counts).toMatchObject({ refreshes: 1, reuses: 0 });
});

test("restart after the successor was stored: the next refresh sends the successor, never the spent token", async () => {
  const id = await addRefreshAccount(store, auth.issueRefreshToken());
  expect(await refresherOn(store).refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
  await store.close();
  store = createSqliteStore({ path: path() });
  expect(await refresherOn(store).refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
  expect(auth.counts).toMatchObject({ refreshes: 2, reuses: 0 });
});

test("restart after the host rotated but before the successor was stored: the account is failed, the spent token not resent", async () => {
  const first = auth.issueRefreshToken();
  const id = await addRefreshAccount(store, first);
  const held = auth.holdTokenAnswers();
  const dying = refresherOn(store).refreshAccount(id, { force: true }).catch((error: unknown) => error);
  await held.arrived;
  // the crash: the store goes away with the answer still on its way
  await store.close();
  held.release();
  expect(await dying).toBeInstanceOf(Error);
  store = createSqliteStore({ path: path() });
  expect((await store.getAccount(id))?.refreshStartedAt).not.toBeNull();
  const after = refresherOn(store);
  expect(await after.refreshAccount(id, { force: true })).toEqual({ type: "revoked", reason: INTERRUPTED_REFRESH });
  expect(await after.refreshAccount(id, { force: true })).toEqual({ type: "skipped", reason: "account is failed" });
  expect(await store.getAccount(id)).toMatchObject({ status: "failed", lastError: INTERRUPTED_REFRESH, refreshToken: first });
  expect(auth.counts).toMatchObject({ refreshes: 1, reuses: 0 });
});

test("refresh_token_reused (another program refreshed first) fails the account with a clear reason", async () => {
  const shared = auth.issueRefreshToken();
  const id = await addRefreshAccount(store, shared);
  await store.updateAccount(id, { oauthClientId: CODEX_CLIENT_ID });
  expect((await refreshWithClients(shared, [CODEX_CLIENT], { authBaseUrl: auth.url })).type).toBe("ok");
  const result = await refresherOn(store).refreshAccount(id, { force: true });
  expect(result).toEqual({ type: "revoked", reason: "refresh token already used (refresh_token_reused): sign in again" });
  expect(await store.getAccount(id)).toMatchObject({ status: "failed", lastError: result.type === "revoked" ? result.reason : "", refreshStartedAt: null });
  expect(auth.counts.reuses).toBe(1);
});

test("an unreachable host changes nothing but the last error; a timeout after sending fails the account instead of resending", async () => {
  const id = await addRefreshAccount(store, auth.issueRefreshToken());
  await store.updateAccount(id, { oauthClientId: CODEX_CLIENT_ID });
  const refused: typeof fetch = Object.assign(async () => Promise.reject(Object.assign(new TypeError("Unable to connect"), { code: "ECONNREFUSED" })), { preconnect: fetch.preconnect });
  expect(await refresherOn(store, refused).refreshAccount(id, { force: true })).toMatchObject({ type: "unavailable" });
  expect(await store.getAccount(id)).toMatchObject({ status: "active", refreshStartedAt: null, lastError: "refresh failed: OAuth host unreachable: Unable to connect" });
  const timedOut: typeof fetch = Object.assign(
    async (input: RequestInfo | URL, init?: RequestInit) => {
      await fetch(input, init);
      throw new DOMException("The operation timed out.", "TimeoutError");
    },
    { preconnect: fetch.preconnect },
  );
  const result = await refresherOn(store, timedOut).refreshAccount(id, { force: true });
  expect(result.type).toBe("revoked");
  expect((await store.getAccount(id))?.status).toBe("failed");
  expect(auth.counts).toMatchObject({ refreshes: 1, reuses: 0 });
});

test("an account whose refresh token is recorded as spent is failed without a call", async () => {
  const token = auth.issueRefreshToken();
  const id = await addRefreshAccount(store, token);
  expect(await refresherOn(store).refreshAccount(id, { force: true })).toEqual({ type: "refreshed" });
  // a second row holding the same (now spent) token, e.g. added again under another workspace id
  const { added } = await store.addAccounts([{ credential: token, kind: "refresh", refreshToken: token, teamAccountId: "other" }]);
  const copy = added[0]?.id ?? "";
  expect((await refresherOn(store).refreshAccount(copy, { force: true })).type).toBe("revoked");
  expect((await store.getAccount(copy))?.lastError).toContain("already exchanged");
  expect(auth.counts).toMatchObject({ refreshes: 1, reuses: 0, wrongClient: 2 });
});
