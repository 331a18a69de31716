/**
 * @module Tells the kinds of ChatGPT credential apart by shape (upstream.md §8.1, web-2026.md §8.1), and a Codex
 * access token by its `client_id` claim (codex.md §1.2). A refresh token's client cannot be seen: its first refresh
 * finds it. A web session token (a five-part JWE, possibly pasted in chunks) is read by session-token.ts.
 */
import { isCodexAccessToken } from "../engines/codex/auth/codex-claims.ts";

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

/** The SHA-256 hex of a secret: a key for maps and rows that must never hold the secret itself. */
export function secretDigest(secret: string): string {
  return new Bun.CryptoHasher("sha256").update(secret).digest("hex");
}
