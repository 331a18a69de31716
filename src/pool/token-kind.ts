/**
 * @module Tells the kinds of ChatGPT credential apart by shape (upstream.md §8.1, web-2026.md §8.1), and a Codex
 * access token by its `client_id` claim (codex.md §1.2). A refresh token's client cannot be seen: its first refresh
 * finds it. A web session token (a five-part JWE, possibly pasted in chunks) is read by session-token.ts.
 */
import { isCodexAccessToken } from "../engines/codex/auth/codex-claims.ts";
import { LruMap } from "./lru-map.ts";

export type TokenKind = "access" | "refresh" | "codex-access" | "session";

const REFRESH_45 = /^[A-Za-z0-9_-]{45}$/;
const REFRESH_RT = /^rt_[A-Za-z0-9._-]{10,}$/;
const JWT = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function isRefreshToken(token: string): boolean {
  return REFRESH_45.test(token) || REFRESH_RT.test(token);
}

export function isJwt(token: string): boolean {
  return JWT.test(token);
}

/** A JWT access token's kind: a Codex one (issued to the Codex client) or a web one. */
export function accessTokenKind(token: string): "access" | "codex-access" {
  return isCodexAccessToken(token) ? "codex-access" : "access";
}

/** Share tokens (`fk-…`) stand in for access tokens at gateways that issue them. */
export function isShareToken(token: string): boolean {
  return /^fk-[A-Za-z0-9_-]{8,}$/.test(token);
}

/**
 * The digests of the secrets used lately. A request asks for its bearer's up to four times (its request-log label,
 * its stream slot, its usage-cap subject, its model list), and the same bearers come back request after request: a
 * SHA-256 of a 1.5 KB access token is a few µs each time. Held in memory only, as the pool and the identity cache
 * hold the tokens themselves; bounded, since bearers are what strangers send.
 */
const recentDigests = new LruMap<string, string>(256);

/** The SHA-256 hex of a secret: a key for maps and rows that must never hold the secret itself. */
export function secretDigest(secret: string): string {
  let digest = recentDigests.get(secret);
  if (digest === undefined) {
    digest = new Bun.CryptoHasher("sha256").update(secret).digest("hex");
    recentDigests.set(secret, digest);
  }
  return digest;
}
