/**
 * @module How a pool account's refresh token is exchanged: with the OAuth client it is known to belong to, or, the
 * first time, with each known client in turn — the web client first (every refresh token the pool held before Codex
 * is one), then Codex's. The refresher remembers the client that answered.
 */
import { CODEX_CLIENT, type OAuthClient } from "../engines/codex/auth/oauth-clients.ts";
import { refreshWithClients, type RefreshOutcome } from "../engines/codex/auth/refresh-token.ts";

/** `clientId` null: not known yet. */
export type AccountGrant = (refreshToken: string, clientId: string | null) => Promise<RefreshOutcome>;

export interface AccountGrantOptions {
  authBaseUrl: string;
  /** The web/iOS client (OAUTH_CLIENT_ID, OAUTH_REDIRECT_URI). */
  webClient: OAuthClient;
  fetch?: typeof fetch;
}

export function createAccountGrant({ authBaseUrl, webClient, fetch: doFetch }: AccountGrantOptions): AccountGrant {
  const known: readonly OAuthClient[] = [webClient, CODEX_CLIENT];
  const options = { authBaseUrl, ...(doFetch ? { fetch: doFetch } : {}) };
  return function accountGrant(refreshToken, clientId) {
    if (clientId === null) return refreshWithClients(refreshToken, known, options);
    // a client this server no longer lists (OAUTH_CLIENT_ID changed) is still the token's client: a refresh needs no redirect
    const client = known.find((candidate) => candidate.id === clientId) ?? { id: clientId, refreshRedirectUri: null };
    return refreshWithClients(refreshToken, [client], options);
  };
}
