/**
 * @module One call to the auth host's token endpoint (`POST /oauth/token`, codex.md §1.3 step 6 and §1.5), read into
 * tokens or a typed refusal. Never throws, and no message it builds holds what was sent (codes, tokens, verifiers).
 */
import { authHost } from "./oauth-clients.ts";

export interface CodexTokens {
  accessToken: string;
  /** The rotated refresh token; null when the answer had none (the caller keeps the one it has). */
  refreshToken: string | null;
  idToken: string | null;
  expiresInSec: number | null;
}

export type TokenEndpointResult =
  | { type: "ok"; tokens: CodexTokens }
  /** A 4xx naming why: `code` from either error shape (OAuth's `{"error": "…"}` or OpenAI's `{"error": {"code"}}`). */
  | { type: "refused"; status: number; code: string; message: string }
  /**
   * Nothing usable came back. `mayHaveReached`: the request may have been acted on with no answer to show for it (a
   * timeout, a connection lost after sending), so a single-use token sent with it may be spent. False when no
   * connection was made, and when the host answered (an error answer hands out no successor, so it spent nothing).
   */
  | { type: "unavailable"; reason: string; mayHaveReached: boolean };

export interface TokenEndpointOptions {
  authBaseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Failures that happen before a byte of the request is sent. */
const NEVER_CONNECTED = /^(ECONNREFUSED|ConnectionRefused|ENOTFOUND|EAI_\w+|FailedToOpenSocket|ENETUNREACH|EHOSTUNREACH|DNS\w*)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Both error shapes of the token endpoint (codex.md §1.3 step 6). */
export function readTokenError(body: unknown): { code: string; message: string } | null {
  if (!isRecord(body)) return null;
  const { error } = body;
  if (typeof error === "string") {
    return { code: error, message: typeof body.error_description === "string" ? body.error_description : error };
  }
  if (isRecord(error)) {
    const code = typeof error.code === "string" ? error.code : typeof error.type === "string" ? error.type : "unknown_error";
    return { code, message: typeof error.message === "string" ? error.message : code };
  }
  return null;
}

function tokensOf(body: unknown): CodexTokens | null {
  if (!isRecord(body) || typeof body.access_token !== "string" || body.access_token === "") return null;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  return {
    accessToken: body.access_token,
    refreshToken: text(body.refresh_token),
    idToken: text(body.id_token),
    expiresInSec: typeof body.expires_in === "number" && Number.isFinite(body.expires_in) ? body.expires_in : null,
  };
}

function describeFailure(error: unknown): { reason: string; mayHaveReached: boolean } {
  const code = isRecord(error) && typeof error.code === "string" ? error.code : "";
  const name = error instanceof Error ? error.name : "";
  // a fetch failure's message names host and cause, never the body we sent
  const message = error instanceof Error ? error.message : String(error);
  return { reason: `OAuth host unreachable: ${message}`, mayHaveReached: !NEVER_CONNECTED.test(code) && name !== "NotConnected" };
}

/** Posts `fields` to the token endpoint as a form (`json: false`) or JSON. */
export async function callTokenEndpoint(
  fields: Record<string, string>,
  { authBaseUrl, fetch: doFetch = fetch, timeoutMs = 30_000 }: TokenEndpointOptions,
  { json }: { json: boolean },
): Promise<TokenEndpointResult> {
  let response: Response;
  let text: string;
  try {
    response = await doFetch(`${authHost(authBaseUrl)}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return { type: "unavailable", ...describeFailure(error) };
  }
  const body = parseJson(text);
  if (!response.ok) {
    const refusal = readTokenError(body);
    if (refusal && response.status >= 400 && response.status < 500) return { type: "refused", status: response.status, ...refusal };
    return { type: "unavailable", reason: `OAuth host answered HTTP ${response.status}`, mayHaveReached: false };
  }
  const tokens = tokensOf(body);
  if (!tokens) return { type: "unavailable", reason: "OAuth answer has no access_token", mayHaveReached: false };
  return { type: "ok", tokens };
}
