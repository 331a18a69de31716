/**
 * Web refresh tokens of each OAuth client (web-2026.md §8.2, §10 item 31): a token is exchanged only with the client
 * it was issued to, in that client's body form; another client's id is refused `invalid_grant` without spending it.
 */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "./index.ts";

const IOS = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh";
const MOBILE = "app_LlGpXReQgckcGGUo2JrYvtJK";
const PLATFORM = "app_2SKx67EdpoN0G6j64rFvigXD";
const CODEX = "app_EMoamEEZ73f0CkXaXp7hrann";
const AUTH_REDIRECT = "com.openai.chat://auth.openai.com/ios/com.openai.chat/callback";
const AUTH0_REDIRECT = "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback";

/** The request each client sends (web-2026.md §8.2). */
const REQUESTS: Record<string, { form: "json" | "form"; fields: Record<string, string> }> = {
  ios: { form: "json", fields: { client_id: IOS, redirect_uri: AUTH_REDIRECT } },
  mobile: { form: "json", fields: { client_id: MOBILE, redirect_uri: AUTH0_REDIRECT } },
  platform: { form: "form", fields: { client_id: PLATFORM } },
  codex: { form: "json", fields: { client_id: CODEX } },
};

function post(url: string, form: "json" | "form", fields: Record<string, string>): Promise<Response> {
  const body = form === "json" ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  const contentType = form === "json" ? "application/json" : "application/x-www-form-urlencoded";
  return fetch(`${url}/oauth/token`, { method: "POST", headers: { "content-type": contentType }, body });
}

function refreshAs(url: string, client: string, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  const request = REQUESTS[client];
  if (!request) throw new Error(`no client ${client}`);
  return post(url, request.form, { grant_type: "refresh_token", ...request.fields, refresh_token: refreshToken, ...extra });
}

async function answer(response: Response): Promise<[number, string]> {
  const body = (await response.json()) as { error?: string; access_token?: string };
  return [response.status, body.error ?? "ok"];
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("POST /oauth/token: each web refresh token belongs to one client", () => {
  test("each client exchanges its own token; the access tokens name the client; stats count per client", async () => {
    await using emu = await startEmulator();
    const accounts = (["ios", "mobile", "platform"] as const).map((oauthClient) => emu.addAccount({ oauthClient }));
    const results = [];
    for (const account of accounts) {
      const response = await refreshAs(emu.url, account.oauthClient, account.refreshToken);
      const body = (await response.json()) as { access_token: string };
      const models = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${body.access_token}` } });
      results.push([response.status, claimsOf(body.access_token).client_id, claimsOf(account.accessToken).client_id, models.status]);
    }
    expect(results).toEqual([
      [200, IOS, IOS, 200],
      [200, MOBILE, MOBILE, 200],
      [200, PLATFORM, PLATFORM, 200],
    ]);
    expect(accounts.map((a) => [a.oauthClient, a.oauthClientId])).toEqual([["ios", IOS], ["mobile", MOBILE], ["platform", PLATFORM]]);
    expect(emu.stats()).toMatchObject({ oauthRefreshes: 3, oauthExchanges: { ios: 1, mobile: 1, platform: 1 }, oauthWrongClient: 0 });
    emu.reset();
    expect(emu.stats()).toMatchObject({ oauthRefreshes: 0, oauthExchanges: { ios: 0, mobile: 0, platform: 0 }, oauthWrongClient: 0 });
  });

  test("the default client is the legacy iOS one, which takes the redirect of either auth host, JSON or form", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    expect(account.oauthClient).toBe("ios");
    const auth0 = await post(emu.url, "form", { grant_type: "refresh_token", client_id: IOS, redirect_uri: AUTH0_REDIRECT, refresh_token: account.refreshToken });
    const auth = await refreshAs(emu.url, "ios", account.refreshToken);
    expect([await answer(auth0), await answer(auth)]).toEqual([
      [200, "ok"],
      [200, "ok"],
    ]);
  });

  test("a token sent with another client's id is refused invalid_grant and not spent, even with rotation on", async () => {
    await using emu = await startEmulator();
    emu.rotateRefreshTokens = true;
    const mobile = emu.addAccount({ oauthClient: "mobile" });
    const platform = emu.addAccount({ oauthClient: "platform" });
    const refused = [
      await answer(await refreshAs(emu.url, "ios", mobile.refreshToken)),
      await answer(await refreshAs(emu.url, "platform", mobile.refreshToken)),
      await answer(await refreshAs(emu.url, "codex", mobile.refreshToken)),
      await answer(await refreshAs(emu.url, "ios", platform.refreshToken)),
      await answer(await refreshAs(emu.url, "mobile", platform.refreshToken)),
    ];
    expect(refused).toEqual(Array.from({ length: 5 }, () => [400, "invalid_grant"]));
    // the Codex side does not know web tokens: its refusal is not a web wrong-client count
    expect(emu.stats()).toMatchObject({ oauthWrongClient: 4, oauthExchanges: { ios: 0, mobile: 0, platform: 0 } });
    expect([await answer(await refreshAs(emu.url, "mobile", mobile.refreshToken)), await answer(await refreshAs(emu.url, "platform", platform.refreshToken))]).toEqual([
      [200, "ok"],
      [200, "ok"],
    ]);
    expect(emu.stats().oauthExchanges).toEqual({ ios: 0, mobile: 1, platform: 1 });
    const wrong = emu.log.find((entry) => entry.path === "/oauth/token" && entry.status === 400);
    expect([wrong?.account, wrong?.body]).toEqual([mobile.id, { grant_type: "refresh_token", client_id: IOS, redirect_uri: AUTH_REDIRECT, refresh_token: "<refresh token>" }]);
  });

  test("each client's own request shape: platform form-encoded without a redirect URI, the apps with theirs", async () => {
    await using emu = await startEmulator();
    const platform = emu.addAccount({ oauthClient: "platform" });
    const mobile = emu.addAccount({ oauthClient: "mobile" });
    const base = { grant_type: "refresh_token", refresh_token: platform.refreshToken };
    const answers = [
      await answer(await post(emu.url, "json", { ...base, client_id: PLATFORM })),
      await answer(await post(emu.url, "form", { ...base, client_id: PLATFORM, redirect_uri: AUTH0_REDIRECT })),
      await answer(await post(emu.url, "form", { grant_type: "refresh_token", client_id: MOBILE, refresh_token: mobile.refreshToken })),
      // the legacy iOS redirect is not the mobile client's
      await answer(await post(emu.url, "json", { grant_type: "refresh_token", client_id: MOBILE, redirect_uri: AUTH_REDIRECT, refresh_token: mobile.refreshToken })),
      await answer(await post(emu.url, "json", { ...base, client_id: "app_X8zY6vW2pQ9tR3dE7nK1jL5gH" })),
    ];
    expect(answers).toEqual([
      [400, "invalid_request"],
      [400, "invalid_request"],
      [400, "invalid_request"],
      [400, "invalid_grant"],
      [401, "invalid_client"],
    ]);
    // none of them spent a token
    expect([await answer(await refreshAs(emu.url, "platform", platform.refreshToken)), await answer(await refreshAs(emu.url, "mobile", mobile.refreshToken))]).toEqual([
      [200, "ok"],
      [200, "ok"],
    ]);
    expect(emu.stats()).toMatchObject({ oauthWrongClient: 0, oauthExchanges: { ios: 0, mobile: 1, platform: 1 } });
  });

  test("accessTokenExpiresInSec sets the lifetime of the account's access tokens and the answer's expires_in", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ oauthClient: "mobile", accessTokenExpiresInSec: 120 });
    const body = (await (await refreshAs(emu.url, "mobile", account.refreshToken)).json()) as { access_token: string; expires_in: number };
    const lifetime = (jwt: string) => Number(claimsOf(jwt).exp) - Number(claimsOf(jwt).iat);
    expect([body.expires_in, lifetime(body.access_token), lifetime(account.accessToken)]).toEqual([120, 120, 120]);
  });

  test("an unknown client name is refused at addAccount", async () => {
    await using emu = await startEmulator();
    expect(() => emu.addAccount({ oauthClient: "desktop" as "ios" })).toThrow(TypeError);
  });
});
