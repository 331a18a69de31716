/**
 * @module A session token exchanged for an access token (web-2026.md §8.1, §11 item 8): `GET /api/auth/session` with
 * the session cookie answers `{accessToken, expires, sessionToken, …}`, or `{}` for a session that is over. The
 * server may rotate the token (AU: one-time rotating, the new value in `Set-Cookie`; KY: in the body's
 * `sessionToken`), so the token to keep afterwards is always returned. A revoked session can keep answering with
 * the same dead access token (QW), so a new one is confirmed with `GET /backend-api/me`: only a 401 or 403 there
 * says the session is dead; anything else (a 404 from an upstream without the endpoint, an outage) proves nothing.
 * Never throws; no message holds a token.
 */
import { readCodexClaims } from "../../codex/auth/codex-claims.ts";
import { DEFAULT_USER_AGENTS } from "../identity.ts";
import { isSessionToken, rotatedSessionToken, sessionCookieHeader } from "./session-token.ts";

export type SessionGrantOutcome =
  | {
      type: "ok";
      accessToken: string;
      /** The session token to keep: the rotated one when the server sent one, else the one sent. */
      sessionToken: string;
      rotated: boolean;
    }
  /** Over for good: sign in again. */
  | { type: "dead"; reason: string }
  /** Nothing learnt (network, Cloudflare, 5xx, an answer that is not the session's JSON). */
  | { type: "unavailable"; reason: string };

export interface SessionExchangeOptions {
  /** The web host (CHATGPT_BASE_URL). */
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  userAgent?: string;
  /** `chatgpt-account-id` for the liveness check (a Team workspace); else the access token's own account. */
  accountId?: string | null;
  /** `oai-device-id` for the liveness check; a fresh one when absent. */
  deviceId?: string;
  now?: () => number;
}

export const SESSION_OVER =
  "chatgpt.com answered /api/auth/session without an access token: the session has ended (signed out, expired or revoked). Sign in to chatgpt.com again and copy the new __Secure-next-auth.session-token";
export const SESSION_REVOKED =
  "the session still gives an access token, but /backend-api/me refuses it: the session was revoked. Sign in to chatgpt.com again and copy the new __Secure-next-auth.session-token";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function call(url: string, init: RequestInit, { fetch: doFetch = fetch, timeoutMs = 30_000 }: SessionExchangeOptions): Promise<Response | string> {
  try {
    return await doFetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    // a fetch failure's message names host and cause, never the cookie sent
    return error instanceof Error ? error.message : String(error);
  }
}

/** `GET /api/auth/session` alone: the access token and the session token to keep. */
export async function exchangeSessionToken(sessionToken: string, options: SessionExchangeOptions): Promise<SessionGrantOutcome> {
  const host = options.baseUrl.replace(/\/+$/, "");
  const response = await call(
    `${host}/api/auth/session`,
    { headers: { cookie: sessionCookieHeader(sessionToken), accept: "application/json", "user-agent": options.userAgent ?? DEFAULT_USER_AGENTS[0] ?? "" } },
    options,
  );
  if (typeof response === "string") return { type: "unavailable", reason: `chatgpt.com unreachable: ${response}` };
  const text = await response.text().catch(() => "");
  if (!response.ok) return { type: "unavailable", reason: `/api/auth/session answered HTTP ${response.status}` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { type: "unavailable", reason: "/api/auth/session answered something other than JSON (a Cloudflare page?)" };
  }
  if (!isRecord(body)) return { type: "unavailable", reason: "/api/auth/session answered JSON that is no object" };
  if (typeof body.accessToken !== "string" || body.accessToken === "") return { type: "dead", reason: SESSION_OVER };
  const fromCookie = rotatedSessionToken(response.headers.getSetCookie(), (options.now ?? Date.now)());
  const fromBody = typeof body.sessionToken === "string" && isSessionToken(body.sessionToken) ? body.sessionToken : null;
  const next = fromCookie ?? fromBody ?? sessionToken;
  return { type: "ok", accessToken: body.accessToken, sessionToken: next, rotated: next !== sessionToken };
}

/** `GET /backend-api/me` with the access token: "dead" only on 401/403, "live" on 200, else "unknown". */
export async function checkAccessToken(accessToken: string, options: SessionExchangeOptions): Promise<"live" | "dead" | "unknown"> {
  const host = options.baseUrl.replace(/\/+$/, "");
  const accountId = options.accountId ?? readCodexClaims(accessToken).chatgptAccountId;
  const response = await call(
    `${host}/backend-api/me`,
    {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: "application/json",
        "oai-device-id": options.deviceId ?? crypto.randomUUID(),
        "oai-language": "en-US",
        "user-agent": options.userAgent ?? DEFAULT_USER_AGENTS[0] ?? "",
        ...(accountId ? { "chatgpt-account-id": accountId } : {}),
      },
    },
    options,
  );
  if (typeof response === "string") return "unknown";
  await response.body?.cancel().catch(() => {});
  if (response.status === 200) return "live";
  return response.status === 401 || response.status === 403 ? "dead" : "unknown";
}

/** The exchange, then the new access token confirmed (web-2026.md §8.1 "safe client behaviour"). */
export async function sessionGrant(sessionToken: string, options: SessionExchangeOptions): Promise<SessionGrantOutcome> {
  const exchanged = await exchangeSessionToken(sessionToken, options);
  if (exchanged.type !== "ok") return exchanged;
  return (await checkAccessToken(exchanged.accessToken, options)) === "dead" ? { type: "dead", reason: SESSION_REVOKED } : exchanged;
}
