/** @module `POST /oauth/token` (upstream.md §8.2): refresh-token grant, JSON or form, with optional rotation. */
import type { AccountRegistry } from "./accounts.ts";
import { type FaultQueue, faultResponse } from "./faults.ts";
import { HttpError, json } from "./http.ts";
import type { EmulatorLogEntry } from "./types.ts";

const ACCESS_TOKEN_LIFETIME_SEC = 10 * 24 * 3600;

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
}

export async function handleOAuthToken(request: Request, { accounts, rotate, faults }: OAuthDeps, entry: EmulatorLogEntry): Promise<Response> {
  const body = await readOAuthBody(request);
  for (const key of ["grant_type", "client_id", "redirect_uri", "refresh_token"]) {
    if (typeof body[key] !== "string" || body[key] === "") throw oauthError(400, "invalid_request", `Missing required parameter: ${key}`);
  }
  if (body.grant_type !== "refresh_token") throw oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${String(body.grant_type)}`);
  const owner = accounts.accountOfRefreshToken(body.refresh_token as string);
  entry.account = owner?.id ?? "invalid";
  const fault = faults.take("oauth", { id: entry.account, ...(owner ? { email: owner.email } : {}) });
  const failure = fault && faultResponse(fault);
  if (failure) throw failure;
  const refreshed = accounts.refresh(body.refresh_token as string, rotate);
  if (!refreshed) throw oauthError(400, "invalid_grant", "Unknown or invalid refresh token.");
  return json(200, {
    access_token: refreshed.accessToken,
    expires_in: ACCESS_TOKEN_LIFETIME_SEC,
    refresh_token: refreshed.refreshToken,
    id_token: refreshed.accessToken,
    scope: "openid profile email offline_access",
    token_type: "Bearer",
  });
}
