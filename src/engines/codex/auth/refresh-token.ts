/**
 * @module The refresh-token grant for any known OAuth client (codex.md §1.5). Refresh tokens are single-use and
 * rotate: a reused one is answered `refresh_token_reused`, which is told apart from other refusals since it means
 * someone else holds the live token. A token of unknown client is tried with each known client in turn (a client
 * that did not issue it refuses it without spending it); the one that answers is the token's client.
 */
import type { OAuthClient } from "./oauth-clients.ts";
import { callTokenEndpoint, type CodexTokens, type TokenEndpointOptions } from "./token-endpoint.ts";

export type RefreshOutcome =
  | { type: "ok"; clientId: string; tokens: CodexTokens }
  /** The token was already exchanged (by another program holding it, or a lost answer): the grant is gone. */
  | { type: "reused"; clientId: string; reason: string }
  /** Refused for good (expired, invalidated, unknown to every client tried): sign in again. */
  | { type: "revoked"; reason: string }
  /** Nothing is known about the token; `mayHaveReached` says whether it may have been spent all the same. */
  | { type: "unavailable"; reason: string; mayHaveReached: boolean };

export const REFRESH_TOKEN_REUSED = "refresh_token_reused";

/**
 * Sends `refreshToken` to each client in `clients` in order, each in its own body form, until one takes it. Pass one
 * client when it is known; with several, a refusal from one (a client that did not issue the token answers
 * `invalid_grant`) moves on to the next and only a refusal from all is `revoked`.
 */
export async function refreshWithClients(refreshToken: string, clients: readonly OAuthClient[], options: TokenEndpointOptions): Promise<RefreshOutcome> {
  const refusals: string[] = [];
  for (const client of clients) {
    const fields: Record<string, string> = { client_id: client.id, grant_type: "refresh_token", refresh_token: refreshToken };
    if (client.refreshRedirectUri !== null) fields.redirect_uri = client.refreshRedirectUri;
    const result = await callTokenEndpoint(fields, options, { json: client.bodyForm === "json" });
    switch (result.type) {
      case "ok":
        return { type: "ok", clientId: client.id, tokens: result.tokens };
      case "unavailable":
        // never move on with a token whose fate is unknown: the next client's answer would prove nothing
        return result;
      case "refused":
        if (result.code === REFRESH_TOKEN_REUSED) {
          return { type: "reused", clientId: client.id, reason: "refresh token already used (refresh_token_reused): sign in again" };
        }
        refusals.push(result.code);
        break;
      default: {
        const _exhaustiveCheck: never = result;
        return _exhaustiveCheck;
      }
    }
  }
  const codes = [...new Set(refusals)].join(", ");
  return { type: "revoked", reason: clients.length === 1 ? `refresh token rejected (${codes})` : `refresh token rejected by every known OAuth client (${codes})` };
}
