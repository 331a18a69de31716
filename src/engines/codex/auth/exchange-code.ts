/**
 * @module The authorization-code grant (codex.md §1.3 step 6, §1.4 step 4): a code and its PKCE verifier → tokens.
 * Form-encoded like Codex; the redirect URI must be the very string the code was issued for.
 */
import { CODEX_CLIENT_ID } from "./oauth-clients.ts";
import { callTokenEndpoint, type TokenEndpointOptions, type TokenEndpointResult } from "./token-endpoint.ts";

export interface CodeExchangeInput {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  clientId?: string;
}

export function exchangeAuthorizationCode({ code, codeVerifier, redirectUri, clientId = CODEX_CLIENT_ID }: CodeExchangeInput, options: TokenEndpointOptions): Promise<TokenEndpointResult> {
  return callTokenEndpoint(
    { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: clientId, code_verifier: codeVerifier },
    options,
    { json: false },
  );
}
