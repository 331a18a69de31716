/** @module A Codex sign-in stored as an account: a new one added, the same ChatGPT account renewed and revived. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { fakeCodexJwt, FAKE_CODEX_CLIENT } from "../../test/support/fake-codex-oauth.ts";
import { saveCodexSignIn } from "./codex-sign-in.ts";

let store: Store;
beforeEach(() => {
  store = createSqliteStore({ path: ":memory:" });
});
afterEach(() => store.close());

const tokensOf = (accountId: string, refreshToken: string | null) => ({
  accessToken: fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId, plan: "plus" }, { expSec: 1_900_000_000 }),
  refreshToken,
  idToken: null,
  expiresInSec: 864_000,
});

test("a sign-in adds a Codex account holding its refresh token, access token, claims and expiry", async () => {
  const tokens = tokensOf("acct-a", "rt_first_grant_000000");
  const { account, renewed } = await saveCodexSignIn(store, tokens, 1_000);
  expect(renewed).toBe(false);
  expect(account).toMatchObject({
    credential: "rt_first_grant_000000",
    kind: "codex-refresh",
    refreshToken: "rt_first_grant_000000",
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: 1_900_000_000_000,
    accessTokenIssuedAt: 1_000,
    plan: "plus",
    oauthClientId: FAKE_CODEX_CLIENT,
    chatgptAccountId: "acct-a",
    hasCodex: true,
  });
});

test("signing in again to the same ChatGPT account renews that account and revives it; another account is added", async () => {
  const { account: first } = await saveCodexSignIn(store, tokensOf("acct-a", "rt_first_grant_000000"), 1_000);
  await store.updateAccount(first.id, { status: "failed", lastError: "refresh token already used", refreshStartedAt: 5 });
  const again = await saveCodexSignIn(store, tokensOf("acct-a", "rt_second_grant_00000"), 2_000);
  expect(again.renewed).toBe(true);
  expect(again.account).toMatchObject({ id: first.id, status: "active", lastError: null, refreshStartedAt: null, refreshToken: "rt_second_grant_00000", accessTokenIssuedAt: 2_000 });
  const other = await saveCodexSignIn(store, tokensOf("acct-b", null), 3_000);
  expect([other.renewed, other.account.kind, (await store.listAccounts()).length]).toEqual([false, "codex-access", 2]);
});
