/**
 * @module Stores the tokens of a Codex sign-in (device code, PKCE, `chat2api login`) as a pool account. Signing in
 * again to a ChatGPT account the pool already holds with Codex gives that account the new grant and revives it (the
 * way out of "refresh token already used … sign in again"), rather than adding a second row for one account.
 */
import { readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import { CODEX_CLIENT_ID } from "../engines/codex/auth/oauth-clients.ts";
import type { CodexTokens } from "../engines/codex/auth/token-endpoint.ts";
import type { AccountRow, Store } from "../store/store.ts";

export interface SignedIn {
  account: AccountRow;
  /** True when an account already in the pool got the new tokens. */
  renewed: boolean;
}

export async function saveCodexSignIn(store: Store, tokens: CodexTokens, nowMs: number): Promise<SignedIn> {
  const claims = readCodexClaims(tokens.accessToken);
  const chatgptAccountId = claims.chatgptAccountId ?? (tokens.idToken ? readCodexClaims(tokens.idToken).chatgptAccountId : null);
  const fields = {
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: claims.expiresAtMs ?? (tokens.expiresInSec !== null ? nowMs + tokens.expiresInSec * 1000 : null),
    accessTokenIssuedAt: nowMs,
    refreshToken: tokens.refreshToken,
    plan: claims.planType,
    oauthClientId: CODEX_CLIENT_ID,
    chatgptAccountId,
    hasCodex: true,
  };
  const existing =
    chatgptAccountId === null ? undefined : (await store.listAccounts()).find((a) => a.oauthClientId === CODEX_CLIENT_ID && a.chatgptAccountId === chatgptAccountId);
  if (existing) {
    // a new grant: the old refresh token (and any mark of a refresh in flight with it) no longer matter
    await store.updateAccount(existing.id, { ...fields, refreshToken: tokens.refreshToken ?? existing.refreshToken, status: "active", lastError: null, refreshStartedAt: null });
    const account = await store.getAccount(existing.id);
    if (account) return { account, renewed: true };
  }
  const credential = tokens.refreshToken ?? tokens.accessToken;
  const { added } = await store.addAccounts([{ credential, kind: tokens.refreshToken ? "codex-refresh" : "codex-access", ...fields }]);
  const [account] = added;
  if (!account) throw new Error("the signed-in account could not be stored (a duplicate of an existing credential)");
  return { account, renewed: false };
}
