/** The Codex client's OAuth (codex.md §1.3, §1.5, §9 item 23): authorize, PKCE code exchange, rotating refresh. */
import { describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { type Emulator, startEmulator } from "../index.ts";
import { codexBody, postResponses } from "./test-client.ts";

const CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
const REDIRECT = "http://localhost:1455/auth/callback";

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(64).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl(base: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: "openid profile email offline_access",
    code_challenge: pkce().challenge,
    code_challenge_method: "S256",
    id_token_add_organizations: "true",
    codex_cli_simplified_flow: "true",
    state: "st-1",
    originator: "codex_cli_rs",
    ...params,
  });
  return `${base}/oauth/authorize?${query.toString().replaceAll("+", "%20")}`;
}

function token(url: string, fields: Record<string, string>, as: "form" | "json" = "form"): Promise<Response> {
  return fetch(`${url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": as === "form" ? "application/x-www-form-urlencoded" : "application/json" },
    body: as === "form" ? new URLSearchParams(fields) : JSON.stringify(fields),
  });
}

interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

/** Signs in `account`, authorizes with a fresh PKCE pair, and returns the code and verifier. */
async function authorize(emu: Emulator, account: string, scope?: string): Promise<{ code: string; verifier: string; location: URL }> {
  emu.codex.signIn(account);
  const { verifier, challenge } = pkce();
  const response = await fetch(authorizeUrl(emu.url, { code_challenge: challenge, ...(scope ? { scope } : {}) }), { redirect: "manual" });
  const location = new URL(response.headers.get("location") ?? "");
  return { code: location.searchParams.get("code") ?? "", verifier, location };
}

function exchange(url: string, code: string, verifier: string, redirect = REDIRECT): Promise<Response> {
  return token(url, { grant_type: "authorization_code", code, redirect_uri: redirect, client_id: CLIENT_ID, code_verifier: verifier });
}

describe("GET /oauth/authorize", () => {
  test("signed in: 302 to the registered redirect URI with a code, the scope and the state", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { code, location } = await authorize(emu, account.id);
    expect([location.origin + location.pathname, code.length > 20, location.searchParams.get("state"), location.searchParams.get("scope"), emu.codex.stats().authorize]).toEqual([
      REDIRECT,
      true,
      "st-1",
      "openid profile email offline_access",
      1,
    ]);
  });

  test("not signed in: the login page; posting a known email signs in and redirects", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ email: "me@example.test" });
    const url = authorizeUrl(emu.url);
    const page = await fetch(url, { redirect: "manual" });
    const posted = await fetch(url, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=me%40example.test" });
    const later = await fetch(url, { redirect: "manual" });
    expect([page.status, (await page.text()).includes("<form"), posted.status, new URL(posted.headers.get("location") ?? "").searchParams.has("code"), later.status, account.id.length > 0]).toEqual([
      200,
      true,
      302,
      true,
      302,
      true,
    ]);
  });

  test("a wrong client id or an unregistered redirect URI is answered with 400, never redirected", async () => {
    await using emu = await startEmulator();
    emu.codex.signIn(emu.addCodexAccount().id);
    const client = await fetch(authorizeUrl(emu.url, { client_id: "app_other" }), { redirect: "manual" });
    const redirect = await fetch(authorizeUrl(emu.url, { redirect_uri: "http://localhost:8080/auth/callback" }), { redirect: "manual" });
    const ip = await fetch(authorizeUrl(emu.url, { redirect_uri: "http://127.0.0.1:1455/auth/callback" }), { redirect: "manual" });
    const fallback = await fetch(authorizeUrl(emu.url, { redirect_uri: "http://localhost:1457/auth/callback" }), { redirect: "manual" });
    expect([client.status, ((await client.json()) as { error: string }).error, redirect.status, ip.status, fallback.status]).toEqual([400, "invalid_client", 400, 400, 302]);
  });

  test.each([
    ["plain PKCE", { code_challenge_method: "plain" }, "invalid_request"],
    ["no challenge", { code_challenge: "" }, "invalid_request"],
    ["response_type token", { response_type: "token" }, "unsupported_response_type"],
    ["no openid scope", { scope: "profile email" }, "invalid_scope"],
  ])("%s: redirected back with an error and the state", async (_name, params, error) => {
    await using emu = await startEmulator();
    emu.codex.signIn(emu.addCodexAccount().id);
    const response = await fetch(authorizeUrl(emu.url, params), { redirect: "manual" });
    const location = new URL(response.headers.get("location") ?? "");
    expect([response.status, location.searchParams.get("error"), location.searchParams.get("state"), location.searchParams.has("code")]).toEqual([302, error, "st-1", false]);
  });
});

describe("POST /oauth/token: authorization_code", () => {
  test("the right verifier gets id, access and refresh tokens that work on the backend", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { code, verifier } = await authorize(emu, account.id);
    const response = await exchange(emu.url, code, verifier);
    const tokens = (await response.json()) as Tokens;
    const backend = await postResponses(emu.url, { accessToken: tokens.access_token, accountId: account.accountId }, codexBody());
    await backend.arrayBuffer();
    expect([response.status, tokens.token_type, tokens.expires_in, tokens.refresh_token?.length, backend.status, emu.codex.stats().authorizationCodeGrants]).toEqual([200, "Bearer", 864_000, 45, 200, 1]);
  });

  test("a wrong verifier, a wrong redirect URI or a second use of the code is 400 invalid_grant", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { code, verifier } = await authorize(emu, account.id);
    const wrongVerifier = await exchange(emu.url, code, pkce().verifier);
    const wrongRedirect = await exchange(emu.url, code, verifier, "http://localhost:1457/auth/callback");
    const ok = await exchange(emu.url, code, verifier);
    const reused = await exchange(emu.url, code, verifier);
    const errors = [];
    for (const r of [wrongVerifier, wrongRedirect, reused]) errors.push([r.status, ((await r.json()) as { error: string }).error]);
    expect([errors, ok.status]).toEqual([[[400, "invalid_grant"], [400, "invalid_grant"], [400, "invalid_grant"]], 200]);
  });

  test("without offline_access no refresh token is issued", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { code, verifier } = await authorize(emu, account.id, "openid profile email");
    const tokens = (await (await exchange(emu.url, code, verifier)).json()) as Tokens;
    expect(["refresh_token" in tokens, typeof tokens.access_token]).toEqual([false, "string"]);
  });
});

describe("POST /oauth/token: refresh_token (single use, rotating)", () => {
  const refresh = (url: string, refreshToken: string, as: "form" | "json" = "json") => token(url, { client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: refreshToken }, as);

  test("each refresh returns a new refresh token; the used one answers 401 refresh_token_reused", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const first = (await (await refresh(emu.url, account.refreshToken)).json()) as Tokens;
    const second = await refresh(emu.url, first.refresh_token ?? "", "form");
    const reused = await refresh(emu.url, account.refreshToken);
    expect([first.refresh_token !== account.refreshToken, second.status, reused.status, await reused.json()]).toEqual([
      true,
      200,
      401,
      { error: { message: "Your refresh token has already been used to generate a new access token. Please try signing in again.", type: "invalid_request_error", param: null, code: "refresh_token_reused" } },
    ]);
    expect(emu.codex.stats()).toMatchObject({ tokenCalls: 3, refreshes: 3, refreshReused: 1 });
    expect(emu.stats().oauthRefreshes).toBe(3);
  });

  test("concurrent refreshes of one token: exactly one succeeds", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await refresh(emu.url, account.refreshToken)).status));
    expect(statuses.toSorted()).toEqual([200, ...Array<number>(9).fill(401)]);
  });

  test("the refreshed access token works; the old one keeps working until it expires", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const tokens = (await (await refresh(emu.url, account.refreshToken)).json()) as Tokens;
    const statuses = [];
    for (const accessToken of [tokens.access_token, account.accessToken]) {
      const response = await postResponses(emu.url, { accessToken, accountId: account.accountId }, codexBody());
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200]);
  });

  test("with revokeGrantOnReuse, a replay also kills the grant's live token", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.configure({ revokeGrantOnReuse: true });
    const live = ((await (await refresh(emu.url, account.refreshToken)).json()) as Tokens).refresh_token ?? "";
    const replay = await refresh(emu.url, account.refreshToken);
    const after = await refresh(emu.url, live);
    expect([replay.status, after.status, ((await after.json()) as { error: { code: string } }).error.code]).toEqual([401, 401, "refresh_token_invalidated"]);
  });

  test("a revoked grant (control or /oauth/revoke) is 401 refresh_token_invalidated; an unknown token 400 invalid_grant", async () => {
    await using emu = await startEmulator();
    const a = emu.addCodexAccount();
    const b = emu.addCodexAccount();
    emu.codex.revoke(a.id);
    const revokeCall = await fetch(`${emu.url}/oauth/revoke`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: b.refreshToken, client_id: CLIENT_ID }) });
    const codes = [];
    for (const t of [a.refreshToken, b.refreshToken, "x".repeat(45)]) {
      const response = await refresh(emu.url, t);
      const body = (await response.json()) as { error: string | { code: string } };
      codes.push([response.status, typeof body.error === "string" ? body.error : body.error.code]);
    }
    expect([revokeCall.status, codes, emu.codex.stats().revokes]).toEqual([
      200,
      [
        [401, "refresh_token_invalidated"],
        [401, "refresh_token_invalidated"],
        [400, "invalid_grant"],
      ],
      1,
    ]);
  });

  test("a Codex refresh token sent with the web client id goes to the web side and is unknown there (and not spent)", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const web = await token(emu.url, { client_id: "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", grant_type: "refresh_token", redirect_uri: "com.openai.chat://x", refresh_token: account.refreshToken }, "json");
    const codex = await refresh(emu.url, account.refreshToken);
    expect([web.status, ((await web.json()) as { error: string }).error, codex.status, emu.codex.stats().tokenCalls, emu.stats().oauthRefreshes]).toEqual([400, "invalid_grant", 200, 1, 2]);
  });

  test("an oauth fault answers a Codex refresh too; the log shows no code, verifier or refresh token", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ id: "cx" });
    emu.inject({ endpoint: "oauth", account: "cx", kind: { type: "status", status: 503 } });
    const down = await refresh(emu.url, account.refreshToken);
    const { code, verifier } = await authorize(emu, account.id);
    await (await exchange(emu.url, code, verifier)).arrayBuffer();
    const log = JSON.stringify(emu.log);
    expect([down.status, log.includes(account.refreshToken), log.includes(code), log.includes(verifier), emu.log.at(-1)?.body]).toEqual([
      503,
      false,
      false,
      false,
      { grant_type: "authorization_code", code: "<code>", redirect_uri: REDIRECT, client_id: CLIENT_ID, code_verifier: "<code verifier>" },
    ]);
  });
});
