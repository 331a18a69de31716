/**
 * @module `POST /oauth/token` of the web accounts' refresh tokens (upstream.md §8.2, web-2026.md §8.2 and §10 item
 * 31). Each refresh token was issued to one client (legacy iOS, mobile or platform); a request must be well formed for
 * the client it names (its body form, its redirect URI or none), and a token sent with another client's id is refused
 * `invalid_grant` without being spent. Rotation is optional. Codex's client is answered by codex/oauth.ts.
 */
import type { AccountRegistry } from "./accounts.ts";
import { type FaultQueue, faultResponse } from "./faults.ts";
import { HttpError, json } from "./http.ts";
import type { EmulatorLogEntry, EmulatorStats, WebOAuthClient } from "./types.ts";

const IOS_AUTH_REDIRECT = "com.openai.chat://auth.openai.com/ios/com.openai.chat/callback";
const IOS_AUTH0_REDIRECT = "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback";

type BodyForm = "json" | "form";

interface WebOAuthClientRules {
  id: string;
  forms: readonly BodyForm[];
  /** The redirect URIs a refresh may name; empty: it must name none. */
  redirectUris: readonly string[];
}

/**
 * The web side's clients. The legacy iOS client takes the redirect of either auth host: `auth.openai.com` (AU, 2026)
 * and `auth0.openai.com` (the 2024 host, upstream.md §8.2, still chat2api's default OAUTH_REDIRECT_URI).
 */
export const WEB_OAUTH_CLIENTS: Readonly<Record<WebOAuthClient, WebOAuthClientRules>> = {
  ios: { id: "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", forms: ["json", "form"], redirectUris: [IOS_AUTH_REDIRECT, IOS_AUTH0_REDIRECT] },
  mobile: { id: "app_LlGpXReQgckcGGUo2JrYvtJK", forms: ["json", "form"], redirectUris: [IOS_AUTH0_REDIRECT] },
  platform: { id: "app_2SKx67EdpoN0G6j64rFvigXD", forms: ["form"], redirectUris: [] },
};

export function isWebOAuthClient(value: unknown): value is WebOAuthClient {
  return typeof value === "string" && Object.hasOwn(WEB_OAUTH_CLIENTS, value);
}

function webClientOf(clientId: string): WebOAuthClient | undefined {
  return (Object.keys(WEB_OAUTH_CLIENTS) as WebOAuthClient[]).find((name) => WEB_OAUTH_CLIENTS[name].id === clientId);
}

function bodyFormOf(request: Request): BodyForm {
  return (request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json") ? "json" : "form";
}

/** Reads a JSON or form body into strings; anything else is a 400 in OAuth's own shape. */
export async function readOAuthBody(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const text = await request.text();
  if (type.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  if (type.startsWith("application/json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // falls through to the error below
    }
  }
  throw oauthError(400, "invalid_request", "Body must be JSON or application/x-www-form-urlencoded");
}

/** OAuth errors have their own shape, `{"error", "error_description"}`, not FastAPI's. */
export function oauthError(status: number, error: string, description: string): HttpError {
  return new HttpError(json(status, { error, error_description: description }), `${status} ${error}`);
}

export interface OAuthDeps {
  accounts: AccountRegistry;
  rotate: boolean;
  faults: FaultQueue;
  stats: EmulatorStats;
}

/** The client the request names, once the request is well formed for it. */
function checkClientRequest(body: Record<string, unknown>, form: BodyForm): WebOAuthClient {
  for (const key of ["grant_type", "client_id", "refresh_token"]) {
    if (typeof body[key] !== "string" || body[key] === "") throw oauthError(400, "invalid_request", `Missing required parameter: ${key}`);
  }
  if (body.grant_type !== "refresh_token") throw oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${String(body.grant_type)}`);
  const client = webClientOf(body.client_id as string);
  if (!client) throw oauthError(401, "invalid_client", "Unknown client.");
  const rules = WEB_OAUTH_CLIENTS[client];
  if (!rules.forms.includes(form)) throw oauthError(400, "invalid_request", "This client sends application/x-www-form-urlencoded bodies.");
  const redirect = body.redirect_uri;
  if (rules.redirectUris.length === 0) {
    if (redirect !== undefined) throw oauthError(400, "invalid_request", "redirect_uri is not allowed for this client.");
  } else if (typeof redirect !== "string" || redirect === "") {
    throw oauthError(400, "invalid_request", "Missing required parameter: redirect_uri");
  } else if (!rules.redirectUris.includes(redirect)) {
    // RFC 6749 §5.2: a redirect URI that does not match the grant's is invalid_grant
    throw oauthError(400, "invalid_grant", "redirect_uri does not match this client's.");
  }
  return client;
}

/** Fresh per-client counters for `EmulatorStats`. */
export function noOAuthExchanges(): Record<WebOAuthClient, number> {
  return { ios: 0, mobile: 0, platform: 0 };
}

export async function handleOAuthToken(request: Request, { accounts, rotate, faults, stats }: OAuthDeps, entry: EmulatorLogEntry): Promise<Response> {
  const form = bodyFormOf(request);
  const body = await readOAuthBody(request);
  const client = checkClientRequest(body, form);
  const refreshToken = body.refresh_token as string;
  const owner = accounts.accountOfRefreshToken(refreshToken);
  entry.account = owner?.id ?? "invalid";
  const fault = faults.take("oauth", { id: entry.account, ...(owner ? { email: owner.email } : {}) });
  const failure = fault && faultResponse(fault);
  if (failure) throw failure;
  if (owner && owner.oauthClient !== client) {
    // the token stays live: only the client that issued it can spend it
    stats.oauthWrongClient++;
    throw oauthError(400, "invalid_grant", "The refresh token was issued to another client.");
  }
  const refreshed = accounts.refresh(refreshToken, rotate);
  if (!refreshed) throw oauthError(400, "invalid_grant", "Unknown or invalid refresh token.");
  stats.oauthExchanges[client]++;
  return json(200, {
    access_token: refreshed.accessToken,
    expires_in: refreshed.expiresInSec,
    refresh_token: refreshed.refreshToken,
    id_token: refreshed.accessToken,
    scope: "openid profile email offline_access",
    token_type: "Bearer",
  });
}
