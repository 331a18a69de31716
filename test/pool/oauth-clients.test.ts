/**
 * @module Refresh tokens of every known OAuth client (web-2026.md §8.2), end to end against the strict emulator, whose
 * web refresh tokens each belong to one client: a mobile and a platform token work in the pool and as an API key; the
 * emulator's log shows the tries (the configured client refused first, then the others in order until the token's
 * own takes it, in its body form) and later refreshes going straight to the remembered client. A refusal from a
 * client that did not issue the token never spends it: with rotation on, the token still works after it.
 */
import { describe, expect, test } from "bun:test";
import type { EmulatorLogEntry } from "../emulator/index.ts";
import { type PoolHarness, startPoolHarness } from "./pool-harness.ts";

const IOS = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh";
const MOBILE = "app_LlGpXReQgckcGGUo2JrYvtJK";
const CODEX = "app_EMoamEEZ73f0CkXaXp7hrann";
const PLATFORM = "app_2SKx67EdpoN0G6j64rFvigXD";

const tokenCalls = (h: PoolHarness) => h.emulator.log.filter((entry) => entry.path === "/oauth/token");
const clientOf = (entry: EmulatorLogEntry) => (entry.body as { client_id?: string } | undefined)?.client_id;
const tries = (calls: EmulatorLogEntry[]) => calls.map((entry) => [clientOf(entry), entry.status]);

async function addToPool(h: PoolHarness, token: string): Promise<string> {
  const response = await h.admin("POST", "/accounts", { tokens: token });
  expect(response.status).toBe(200);
  const { data } = (await (await h.admin("GET", "/accounts")).json()) as { data: Array<{ id: string }> };
  return data.at(-1)?.id ?? "";
}

async function forceRefresh(h: PoolHarness, id: string): Promise<unknown> {
  return (await h.admin("POST", `/accounts/${id}/refresh`)).json();
}

/** No token of the test in anything chat2api logged. */
function expectNoSecrets(h: PoolHarness, secrets: string[]): void {
  expect(secrets.filter((secret) => h.logs.some((line) => line.includes(secret)))).toEqual([]);
}

describe("refresh tokens of every known OAuth client", () => {
  test("a mobile token in the pool: the configured client refuses it, mobile takes it, and later refreshes ask mobile alone", async () => {
    await using h = await startPoolHarness();
    h.emulator.rotateRefreshTokens = true;
    const account = h.emulator.addAccount({ plan: "plus", oauthClient: "mobile" });
    const id = await addToPool(h, account.refreshToken);
    expect((await h.chat("gpt-4o")).status).toBe(200);
    // rotation is on: the mobile client could take the token after the refusal only because the refusal left it live
    expect(tries(tokenCalls(h))).toEqual([
      [IOS, 400],
      [MOBILE, 200],
    ]);
    for (let i = 0; i < 2; i++) expect(await forceRefresh(h, id)).toEqual({ type: "refreshed" });
    expect(tries(tokenCalls(h).slice(2))).toEqual([
      [MOBILE, 200],
      [MOBILE, 200],
    ]);
    expect(h.emulator.stats()).toMatchObject({ oauthWrongClient: 1, oauthExchanges: { ios: 0, mobile: 3, platform: 0 } });
    expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.servedBy()).toEqual([`${account.id}:200`, `${account.id}:200`]);
    expectNoSecrets(h, [account.refreshToken]);
  });

  test("a platform token in the pool: every other known client refuses it, then a form-encoded request without redirect_uri", async () => {
    await using h = await startPoolHarness();
    h.emulator.rotateRefreshTokens = true;
    const account = h.emulator.addAccount({ plan: "plus", oauthClient: "platform" });
    const id = await addToPool(h, account.refreshToken);
    expect((await h.chat("gpt-4o")).status).toBe(200);
    const calls = tokenCalls(h);
    expect(tries(calls)).toEqual([
      [IOS, 400],
      [MOBILE, 400],
      [CODEX, 400],
      [PLATFORM, 200],
    ]);
    expect([calls[3]?.headers["content-type"], calls[3]?.body]).toEqual([
      "application/x-www-form-urlencoded",
      { client_id: PLATFORM, grant_type: "refresh_token", refresh_token: "<refresh token>" },
    ]);
    expect(await forceRefresh(h, id)).toEqual({ type: "refreshed" });
    expect(tries(tokenCalls(h).slice(4))).toEqual([[PLATFORM, 200]]);
    // the Codex side refused it as unknown there; the two web refusals were wrong-client ones, and spent nothing
    expect(h.emulator.stats()).toMatchObject({ oauthWrongClient: 2, oauthExchanges: { ios: 0, mobile: 0, platform: 2 } });
    expect((await h.chat("gpt-4o")).status).toBe(200);
    expectNoSecrets(h, [account.refreshToken]);
  });

  test("mobile and platform tokens as API keys: found once each, then served from the cached access token", async () => {
    await using h = await startPoolHarness();
    const mobile = h.emulator.addAccount({ plan: "plus", oauthClient: "mobile" });
    const platform = h.emulator.addAccount({ plan: "plus", oauthClient: "platform" });
    for (let i = 0; i < 2; i++) {
      expect((await h.chat("gpt-4o", mobile.refreshToken)).status).toBe(200);
      expect((await h.chat("gpt-4o", platform.refreshToken)).status).toBe(200);
    }
    expect(tries(tokenCalls(h))).toEqual([
      [IOS, 400],
      [MOBILE, 200],
      [IOS, 400],
      [MOBILE, 400],
      [CODEX, 400],
      [PLATFORM, 200],
    ]);
    expect(h.servedBy()).toEqual([mobile.id, platform.id, mobile.id, platform.id].map((id) => `${id}:200`));
    expectNoSecrets(h, [mobile.refreshToken, platform.refreshToken]);
  });

  test("an API key's mobile token, once its client is known, is exchanged again with that client alone", async () => {
    await using h = await startPoolHarness();
    // access tokens this short-lived are stale at once (chat2api refreshes a day before expiry): each request exchanges
    const mobile = h.emulator.addAccount({ plan: "plus", oauthClient: "mobile", accessTokenExpiresInSec: 120 });
    for (let i = 0; i < 3; i++) expect((await h.chat("gpt-4o", mobile.refreshToken)).status).toBe(200);
    expect(tries(tokenCalls(h))).toEqual([
      [IOS, 400],
      [MOBILE, 200],
      [MOBILE, 200],
      [MOBILE, 200],
    ]);
    expect(h.emulator.stats()).toMatchObject({ oauthWrongClient: 1, oauthExchanges: { ios: 0, mobile: 3, platform: 0 } });
  });

  test("with OAUTH_CLIENT_ID set to the mobile client, a legacy iOS token is found second, with the iOS app's redirect URI", async () => {
    await using h = await startPoolHarness({ OAUTH_CLIENT_ID: MOBILE });
    const ios = h.emulator.addAccount({ plan: "plus" });
    expect((await h.chat("gpt-4o", ios.refreshToken)).status).toBe(200);
    const calls = tokenCalls(h);
    expect(tries(calls)).toEqual([
      [MOBILE, 400],
      [IOS, 200],
    ]);
    expect((calls[1]?.body as { redirect_uri?: string }).redirect_uri).toBe("com.openai.chat://auth.openai.com/ios/com.openai.chat/callback");
  });
});
