/**
 * @module How a refresh token (a pool account's or a caller's own) is exchanged: with the OAuth client it is known to
 * belong to; else with the one a paired access or id token names (its `client_id`); else, the first time, with each
 * known client in turn (web-2026.md §8.2): the configured one (OAUTH_CLIENT_ID, with OAUTH_REDIRECT_URI) first, since
 * every refresh token the pool held before is one, then the rest in the spec's order (mobile, legacy iOS, Codex,
 * platform). A client that did not issue the token refuses it without spending it; the refresher remembers the one
 * that answered.
 */
import { readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import { KNOWN_REFRESH_CLIENTS, knownRefreshClient, type OAuthClient } from "../engines/codex/auth/oauth-clients.ts";
import { refreshWithClients, type RefreshOutcome } from "../engines/codex/auth/refresh-token.ts";

/**
 * `clientId` null: not known yet. `pairedToken`: an access or id token issued with this refresh token, if one is at
 * hand (an account stored before chat2api kept the client); a known client it names is the token's.
 */
export type AccountGrant = (refreshToken: string, clientId: string | null, pairedToken?: string | null) => Promise<RefreshOutcome>;

/** What the configuration says: OAUTH_CLIENT_ID and OAUTH_REDIRECT_URI. */
export type ConfiguredClient = Pick<OAuthClient, "id" | "refreshRedirectUri">;

export interface AccountGrantOptions {
  authBaseUrl: string;
  /** The configured client (OAUTH_CLIENT_ID, OAUTH_REDIRECT_URI), tried first. */
  webClient: ConfiguredClient;
  fetch?: typeof fetch;
}

/**
 * The configured client as it is sent: a known one keeps its body form and, when it takes none, sends no redirect URI
 * (the configured one is the apps'); an unknown one is sent as the apps are, JSON with the configured redirect URI.
 */
export function configuredClient({ id, refreshRedirectUri }: ConfiguredClient): OAuthClient {
  const known = knownRefreshClient(id);
  if (!known) return { id, refreshRedirectUri, bodyForm: "json" };
  return { ...known, refreshRedirectUri: known.refreshRedirectUri === null ? null : refreshRedirectUri };
}

/** The clients a token of unknown client is tried with: the configured one, then every other known one in order. */
export function discoveryOrder(configured: ConfiguredClient): OAuthClient[] {
  const first = configuredClient(configured);
  return [first, ...KNOWN_REFRESH_CLIENTS.filter((client) => client.id !== first.id)];
}

export function createAccountGrant({ authBaseUrl, webClient, fetch: doFetch }: AccountGrantOptions): AccountGrant {
  const clients = discoveryOrder(webClient);
  const options = { authBaseUrl, ...(doFetch ? { fetch: doFetch } : {}) };
  const listed = (id: string | null) => (id === null ? undefined : clients.find((client) => client.id === id));
  return function accountGrant(refreshToken, clientId, pairedToken = null) {
    if (clientId !== null) {
      // a client this server no longer lists (OAUTH_CLIENT_ID changed) is still the token's client: a refresh needs no redirect
      return refreshWithClients(refreshToken, [listed(clientId) ?? { id: clientId, refreshRedirectUri: null, bodyForm: "json" }], options);
    }
    // only a known refresh client counts: a web session's access token names chatgpt.com's, which holds no refresh tokens
    const named = listed(pairedToken ? readCodexClaims(pairedToken).clientId : null);
    return refreshWithClients(refreshToken, named ? [named] : clients, options);
  };
}
