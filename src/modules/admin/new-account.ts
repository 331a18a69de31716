/** @module The account row a parsed token line (or a sign-in) becomes: what its claims tell is stored with it. */
import { readCodexClaims } from "../../engines/codex/auth/codex-claims.ts";
import type { ParsedToken } from "../../pool/parse-token-lines.ts";
import type { NewAccount } from "../../store/store.ts";

export function newAccountOf({ credential, kind, teamAccountId }: ParsedToken): NewAccount {
  // a refresh token's client (web or Codex) is found on its first refresh
  if (kind === "refresh") return { credential, kind, teamAccountId, refreshToken: credential };
  // a session token is exchanged for its access token when first needed; rotations replace it in refreshToken
  if (kind === "session") return { credential, kind, teamAccountId, refreshToken: credential };
  // the plan steers free models to free accounts; the expiry retires the token before upstream must
  const claims = readCodexClaims(credential);
  const account: NewAccount = { credential, kind, teamAccountId, accessToken: credential, accessTokenExpiresAt: claims.expiresAtMs, plan: claims.planType };
  if (kind !== "codex-access") return account;
  return { ...account, oauthClientId: claims.clientId, chatgptAccountId: claims.chatgptAccountId };
}
