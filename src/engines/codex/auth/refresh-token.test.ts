/** @module Refresh with rotation against a fake auth host: single use, reuse, finding a token's client, failures. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { FAKE_WEB_CLIENT, type FakeCodexOAuth, startFakeCodexOAuth } from "../../../../test/support/fake-codex-oauth.ts";
import { readCodexClaims } from "./codex-claims.ts";
import { CODEX_CLIENT, CODEX_CLIENT_ID, type OAuthClient, PLATFORM_CLIENT } from "./oauth-clients.ts";
import { refreshWithClients } from "./refresh-token.ts";

const WEB: OAuthClient = { id: FAKE_WEB_CLIENT, refreshRedirectUri: "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback", bodyForm: "json" };
let auth: FakeCodexOAuth;
beforeEach(() => {
  auth = startFakeCodexOAuth();
});
afterEach(() => auth.stop());

test("a refresh rotates the token: the new one works, the old one is then refresh_token_reused", async () => {
  const first = auth.issueRefreshToken({ accountId: "acct-r" });
  const ok = await refreshWithClients(first, [CODEX_CLIENT], { authBaseUrl: auth.url });
  if (ok.type !== "ok") throw new Error(`expected tokens, got ${ok.type}`);
  expect(ok.clientId).toBe(CODEX_CLIENT_ID);
  expect(readCodexClaims(ok.tokens.accessToken).chatgptAccountId).toBe("acct-r");
  const second = ok.tokens.refreshToken ?? "";
  expect(second).not.toBe(first);
  expect((await refreshWithClients(second, [CODEX_CLIENT], { authBaseUrl: auth.url })).type).toBe("ok");
  expect(await refreshWithClients(first, [CODEX_CLIENT], { authBaseUrl: auth.url })).toEqual({
    type: "reused",
    clientId: CODEX_CLIENT_ID,
    reason: "refresh token already used (refresh_token_reused): sign in again",
  });
  expect(auth.counts).toMatchObject({ refreshes: 2, reuses: 1 });
});

test("a token of unknown client is tried with each known client; the one that takes it is named", async () => {
  const codexToken = auth.issueRefreshToken();
  const found = await refreshWithClients(codexToken, [WEB, CODEX_CLIENT], { authBaseUrl: auth.url });
  expect({ type: found.type, clientId: found.type === "ok" ? found.clientId : null, wrongClient: auth.counts.wrongClient }).toEqual({
    type: "ok",
    clientId: CODEX_CLIENT_ID,
    wrongClient: 1,
  });
  const webToken = auth.issueRefreshToken({ clientId: FAKE_WEB_CLIENT });
  const web = await refreshWithClients(webToken, [WEB, CODEX_CLIENT], { authBaseUrl: auth.url });
  expect(web.type === "ok" && web.clientId).toBe(FAKE_WEB_CLIENT);
  expect(auth.counts.wrongClient).toBe(1);
});

test("a token no client knows is revoked, naming the refusals; a reused one stops the search", async () => {
  expect(await refreshWithClients("rt_unknown_token_value", [WEB, CODEX_CLIENT], { authBaseUrl: auth.url })).toEqual({
    type: "revoked",
    reason: "refresh token rejected by every known OAuth client (invalid_grant)",
  });
  expect(await refreshWithClients("rt_unknown_token_value", [CODEX_CLIENT], { authBaseUrl: auth.url })).toEqual({ type: "revoked", reason: "refresh token rejected (invalid_grant)" });
  const token = auth.issueRefreshToken();
  await refreshWithClients(token, [CODEX_CLIENT], { authBaseUrl: auth.url });
  expect((await refreshWithClients(token, [CODEX_CLIENT, WEB], { authBaseUrl: auth.url })).type).toBe("reused");
  expect(auth.counts.wrongClient).toBe(0);
});

test("an unreachable host stops the search at the first client and says the token was never sent", async () => {
  const url = auth.url;
  await auth.stop();
  expect(await refreshWithClients("rt_some_token_value", [WEB, CODEX_CLIENT], { authBaseUrl: url })).toMatchObject({ type: "unavailable", mayHaveReached: false });
});

test("a client with a form body (platform) is sent one, and the host takes it", async () => {
  const platformToken = auth.issueRefreshToken({ clientId: PLATFORM_CLIENT.id });
  const outcome = await refreshWithClients(platformToken, [CODEX_CLIENT, PLATFORM_CLIENT], { authBaseUrl: auth.url });
  expect([outcome.type === "ok" && outcome.clientId, auth.counts.wrongClient, auth.counts.refreshes]).toEqual([PLATFORM_CLIENT.id, 1, 1]);
});
