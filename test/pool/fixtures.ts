/** @module Synthetic credentials for pool tests: unsigned JWTs with the claims the pool reads, and refresh tokens. */
import type { AccountGrant } from "../../src/pool/account-grant.ts";

/** One client's answer to a refresh, as pool tests script it (the account grant tries the real clients in turn). */
export type RefreshGrant =
  | { type: "ok"; accessToken: string; /** A rotated refresh token, when the server sent one. */ refreshToken: string | null }
  | { type: "revoked"; reason: string }
  | { type: "unavailable"; reason: string };

export type OAuthRefresh = (refreshToken: string) => Promise<RefreshGrant>;

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An access token shaped like ChatGPT's: `exp` in seconds, plan in OpenAI's auth claim. */
export function fakeJwt({ expMs, plan = null, tag = "" }: { expMs: number | null; plan?: string | null; tag?: string }): string {
  const payload: Record<string, unknown> = { sub: `user-${tag}` };
  if (expMs !== null) payload.exp = Math.floor(expMs / 1000);
  if (plan !== null) payload["https://api.openai.com/auth"] = { chatgpt_plan_type: plan };
  return `eyJhbGciOiJSUzI1NiJ9.${b64url(payload)}.c2lnbmF0dXJl${tag.replace(/[^A-Za-z0-9]/g, "")}`;
}

/** A 45-character refresh token; distinct per seed. */
export function fakeRefreshToken(seed: string): string {
  return `${seed.replace(/[^A-Za-z0-9]/g, "")}${"R".repeat(45)}`.slice(0, 45);
}

/** An account grant for pool tests from a web-client-style answer: ok answers name `clientId` as the token's client. */
export function grantOf(answer: (rt: string) => RefreshGrant | Promise<RefreshGrant>, clientId = "web-client"): AccountGrant {
  return async (rt) => {
    const grant = await answer(rt);
    if (grant.type === "ok") return { type: "ok", clientId, tokens: { accessToken: grant.accessToken, refreshToken: grant.refreshToken, idToken: null, expiresInSec: null } };
    if (grant.type === "unavailable") return { ...grant, mayHaveReached: false };
    return grant;
  };
}
