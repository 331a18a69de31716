/**
 * @module The OAuth refresh-token grant (upstream.md §8.2): refresh token → access token. Never throws: the
 * caller must tell a revoked token (remember it, §16.4) from a passing failure (try again later).
 */

export type RefreshGrant =
  | { type: "ok"; accessToken: string; /** A rotated refresh token, when the server sent one. */ refreshToken: string | null }
  /** `invalid_grant` / `access_denied`: the token is dead; never send it again. */
  | { type: "revoked"; reason: string }
  /** Network error, 5xx, or an answer we cannot read: nothing is known about the token. */
  | { type: "unavailable"; reason: string };

export interface OAuthRefreshOptions {
  authBaseUrl: string;
  clientId: string;
  redirectUri: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type OAuthRefresh = (refreshToken: string) => Promise<RefreshGrant>;

const REVOKED = /invalid_grant|access_denied/;

export function createOAuthRefresh({ authBaseUrl, clientId, redirectUri, fetch: doFetch = fetch, timeoutMs = 30_000 }: OAuthRefreshOptions): OAuthRefresh {
  const url = `${authBaseUrl.replace(/\/+$/, "")}/oauth/token`;
  return async function oauthRefresh(refreshToken) {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ client_id: clientId, grant_type: "refresh_token", redirect_uri: redirectUri, refresh_token: refreshToken }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // the message of a fetch failure names host and cause, never the body we sent
      return { type: "unavailable", reason: `OAuth host unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!response.ok) {
      const code = REVOKED.exec(text)?.[0];
      if (code && response.status >= 400 && response.status < 500) return { type: "revoked", reason: `refresh token rejected (${code})` };
      return { type: "unavailable", reason: `OAuth host answered HTTP ${response.status}` };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { type: "unavailable", reason: "OAuth host answered with something other than JSON" };
    }
    const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    if (typeof record.access_token !== "string" || record.access_token === "") {
      return { type: "unavailable", reason: "OAuth answer has no access_token" };
    }
    const rotated = typeof record.refresh_token === "string" && record.refresh_token !== refreshToken ? record.refresh_token : null;
    return { type: "ok", accessToken: record.access_token, refreshToken: rotated };
  };
}
