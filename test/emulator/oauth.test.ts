/** OAuth refresh (upstream.md §8.2): JSON and form bodies, revocation, rotation, required fields, faults, stats. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "./index.ts";

const FIELDS = { grant_type: "refresh_token", client_id: "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", redirect_uri: "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback" };

function refreshJson(url: string, refreshToken: string, fields: Record<string, string> = FIELDS): Promise<Response> {
  return fetch(`${url}/oauth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...fields, refresh_token: refreshToken }) });
}

describe("POST /oauth/token", () => {
  test("a valid refresh token (JSON) returns a working access token and the same refresh token", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ id: "r1" });
    const response = await refreshJson(emu.url, account.refreshToken);
    const body = (await response.json()) as Record<string, unknown>;
    const models = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect([response.status, response.headers.get("content-type"), String(body.access_token).slice(0, 10), body.refresh_token, body.token_type, body.expires_in, models.status]).toEqual([
      200,
      "application/json",
      "eyJhbGciOi",
      account.refreshToken,
      "Bearer",
      864000,
      200,
    ]);
    expect([account.refreshToken.length, emu.stats().oauthRefreshes, emu.log.at(-2)?.account]).toEqual([45, 1, "r1"]);
  });

  test("a form-encoded body works too, and the log keeps client fields but not the refresh token", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ id: "r2" });
    const response = await fetch(`${emu.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...FIELDS, refresh_token: account.refreshToken }) });
    expect([response.status, emu.log.at(-1)?.body]).toEqual([200, { ...FIELDS, refresh_token: "<refresh token>" }]);
  });

  test("a revoked refresh token gets 400 invalid_grant, every time it is tried", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    emu.revokeRefreshToken(account.refreshToken);
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const response = await refreshJson(emu.url, account.refreshToken);
      answers.push([response.status, await response.json()]);
    }
    const refused = [400, { error: "invalid_grant", error_description: "Unknown or invalid refresh token." }];
    expect([answers, emu.stats().oauthRefreshes]).toEqual([[refused, refused], 2]);
  });

  test("with rotation on, a refresh returns a new token and the old one stops working", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    emu.rotateRefreshTokens = true;
    const first = (await (await refreshJson(emu.url, account.refreshToken)).json()) as { refresh_token: string };
    const reuse = await refreshJson(emu.url, account.refreshToken);
    const next = await refreshJson(emu.url, first.refresh_token);
    expect([first.refresh_token !== account.refreshToken, first.refresh_token.length, reuse.status, next.status]).toEqual([true, 45, 400, 200]);
  });

  test.each(["grant_type", "client_id", "redirect_uri"])("a body without %s is 400 invalid_request", async (field) => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const fields: Record<string, string> = { ...FIELDS };
    delete fields[field];
    const response = await refreshJson(emu.url, account.refreshToken, fields);
    expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, "invalid_request"]);
  });

  test("another grant type is 400 unsupported_grant_type", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const response = await refreshJson(emu.url, account.refreshToken, { ...FIELDS, grant_type: "password" });
    expect(((await response.json()) as { error: string }).error).toBe("unsupported_grant_type");
  });

  test("an oauth fault for the token's account answers instead", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ id: "r3" });
    emu.inject({ endpoint: "oauth", account: "r3", kind: { type: "status", status: 503 } });
    const [down, up] = [await refreshJson(emu.url, account.refreshToken), await refreshJson(emu.url, account.refreshToken)];
    expect([down.status, up.status]).toEqual([503, 200]);
  });
});
