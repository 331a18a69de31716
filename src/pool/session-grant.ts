/**
 * @module How a session token is exchanged (web-2026.md §8.1): at the first web host, with a plain client (AU does the
 * same: the call is not the browser's page traffic), the new access token confirmed with `/backend-api/me`.
 */
import { type SessionGrantOutcome, sessionGrant } from "../engines/web/auth/session-exchange.ts";

/** `accountId`: the Team workspace the line named, for the liveness check; null for the token's own account. */
export type SessionGrant = (sessionToken: string, options: { accountId: string | null }) => Promise<SessionGrantOutcome>;

export interface SessionGrantOptions {
  /** CHATGPT_BASE_URL's first host. */
  baseUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export function createSessionGrant({ baseUrl, fetch: doFetch, now }: SessionGrantOptions): SessionGrant {
  return (sessionToken, { accountId }) => sessionGrant(sessionToken, { baseUrl, accountId, ...(doFetch ? { fetch: doFetch } : {}), ...(now ? { now } : {}) });
}
