/**
 * @module The Codex client's OAuth (codex.md §1.3, §1.5): `/oauth/authorize` with client, redirect URI and S256
 * checks; `/oauth/token` for `authorization_code` (PKCE verified) and `refresh_token` (single use, rotating, a reuse
 * answered 401 `refresh_token_reused`); `/oauth/revoke`.
 */
import { type FaultQueue, faultResponse } from "../faults.ts";
import { HttpError, json } from "../http.ts";
import { oauthError, readOAuthBody } from "../oauth.ts";
import type { EmulatorLogEntry } from "../types.ts";
import type { CodexAccounts, TokenSet } from "./accounts.ts";
import type { AuthorizationCodes } from "./authorization-codes.ts";
import { CODEX_CLIENT_ID, CODEX_REDIRECT_URIS } from "./constants.ts";
import type { CodexSettings, CodexStats } from "./types.ts";

export interface CodexOAuthDeps {
  accounts: CodexAccounts;
  codes: AuthorizationCodes;
  faults: FaultQueue;
  settings: CodexSettings;
  stats: CodexStats;
  /** The account signed in the emulated browser, if any. */
  signedIn: () => string | undefined;
  signIn: (account: string) => void;
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function nestedError(status: number, code: string, message: string): HttpError {
  return new HttpError(json(status, { error: { message, type: "invalid_request_error", param: null, code } }), code);
}

function redirectWith(redirectUri: string, params: Record<string, string>): Response {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}

function loginPage(action: string): Response {
  const body = `<!DOCTYPE html><html><head><title>Log in - OpenAI (emulated)</title></head><body>
<h1>Welcome back</h1><form method="post" action="${action.replaceAll("&", "&amp;").replaceAll('"', "&quot;")}">
<label>Email address <input name="email" type="email" autocomplete="username"></label><button type="submit">Continue</button>
</form></body></html>`;
  return new Response(body, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * `GET /oauth/authorize`: a bad client or redirect URI is answered here (never redirected, RFC 6749 §4.1.2.1); other
 * errors go back to the redirect URI. Signed in (or `POST` of the login form): 302 with a code.
 */
export async function handleAuthorize(request: Request, url: URL, deps: CodexOAuthDeps): Promise<Response> {
  deps.stats.authorize++;
  const q = url.searchParams;
  if (q.get("client_id") !== CODEX_CLIENT_ID) throw oauthError(400, "invalid_client", "Unknown client_id.");
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!CODEX_REDIRECT_URIS.includes(redirectUri)) throw oauthError(400, "invalid_request", "redirect_uri is not registered for this client.");
  const state = q.get("state") ?? "";
  const fail = (error: string, description: string): Response => redirectWith(redirectUri, { error, error_description: description, ...(state ? { state } : {}) });
  if (q.get("response_type") !== "code") return fail("unsupported_response_type", "response_type must be code.");
  if (state === "") return fail("invalid_request", "state is required.");
  const scope = q.get("scope") ?? "";
  if (!scope.split(" ").includes("openid")) return fail("invalid_scope", "scope must include openid.");
  if (q.get("code_challenge_method") !== "S256") return fail("invalid_request", "code_challenge_method must be S256.");
  const challenge = q.get("code_challenge") ?? "";
  if (!CHALLENGE.test(challenge)) return fail("invalid_request", "code_challenge must be a base64url SHA-256 digest.");

  if (request.method === "POST") {
    const email = String((await readOAuthBody(request)).email ?? "");
    if (!deps.accounts.find(email)) return loginPage(`${url.pathname}${url.search}`);
    deps.signIn(email);
  }
  const accountId = deps.signedIn();
  const account = accountId === undefined ? undefined : deps.accounts.find(accountId);
  if (!account) return loginPage(`${url.pathname}${url.search}`);
  const code = deps.codes.issue({ accountId: account.id, redirectUris: [redirectUri], challenge, scope });
  return redirectWith(redirectUri, { code, scope, state });
}

function tokenBody(tokens: TokenSet, scope: string, withRefresh: boolean): Response {
  return json(200, {
    id_token: tokens.idToken,
    access_token: tokens.accessToken,
    ...(withRefresh ? { refresh_token: tokens.refreshToken } : {}),
    expires_in: tokens.expiresInSec,
    token_type: "Bearer",
    scope,
  });
}

function requireField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw oauthError(400, "invalid_request", `Missing required parameter: ${key}`);
  return value;
}

function takeFault(deps: CodexOAuthDeps, entry: EmulatorLogEntry, owner: { id: string; email: string } | undefined): void {
  entry.account = owner?.id ?? "invalid";
  const fault = deps.faults.take("oauth", owner ?? { id: "invalid" });
  const failure = fault && faultResponse(fault);
  if (failure) throw failure;
}

/** `POST /oauth/token` with the Codex client id (the router sends other clients to the web side's handler). */
export async function handleCodexToken(body: Record<string, unknown>, deps: CodexOAuthDeps, entry: EmulatorLogEntry): Promise<Response> {
  deps.stats.tokenCalls++;
  const grant = requireField(body, "grant_type");
  if (grant === "authorization_code") {
    deps.stats.authorizationCodeGrants++;
    const code = requireField(body, "code");
    const redirectUri = requireField(body, "redirect_uri");
    const verifier = requireField(body, "code_verifier");
    takeFault(deps, entry, deps.accounts.find(deps.codes.owner(code) ?? ""));
    const redeemed = deps.codes.redeem(code, redirectUri, verifier);
    if (!redeemed.ok) throw oauthError(400, "invalid_grant", redeemed.reason);
    const tokens = deps.accounts.grant(redeemed.code.accountId);
    return tokenBody(tokens, redeemed.code.scope, redeemed.code.scope.split(" ").includes("offline_access"));
  }
  if (grant === "refresh_token") {
    deps.stats.refreshes++;
    const refreshToken = requireField(body, "refresh_token");
    takeFault(deps, entry, deps.accounts.ownerOfRefreshToken(refreshToken));
    const outcome = deps.accounts.refresh(refreshToken, deps.settings.revokeGrantOnReuse);
    if (outcome.ok) return tokenBody(outcome.tokens, "openid profile email offline_access", true);
    if (outcome.reason === "reused") {
      deps.stats.refreshReused++;
      throw nestedError(401, "refresh_token_reused", "Your refresh token has already been used to generate a new access token. Please try signing in again.");
    }
    if (outcome.reason === "revoked") throw nestedError(401, "refresh_token_invalidated", "Your refresh token has been invalidated. Please try signing in again.");
    throw oauthError(400, "invalid_grant", "Unknown or invalid refresh token.");
  }
  throw oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`);
}

/** `POST /oauth/revoke` (RFC 7009): 200 whether or not the token was known; a known one ends its grant. */
export async function handleRevoke(request: Request, deps: CodexOAuthDeps, entry: EmulatorLogEntry): Promise<Response> {
  deps.stats.revokes++;
  const body = await readOAuthBody(request);
  const token = requireField(body, "token");
  entry.account = deps.accounts.ownerOfRefreshToken(token)?.id ?? "invalid";
  deps.accounts.revokeToken(token);
  return json(200, {});
}
