/** @module Single-use authorization codes bound to an account, redirect URIs and a PKCE S256 challenge (RFC 7636). */
import { createHash, randomBytes } from "node:crypto";

const CODE_LIFETIME_MS = 10 * 60_000;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface AuthorizationCode {
  accountId: string;
  /** The redirect URIs the exchange may name (the one authorized, or the device flow's pair). */
  redirectUris: string[];
  challenge: string;
  scope: string;
  expiresAt: number;
}

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

export type Redemption = { ok: true; code: AuthorizationCode } | { ok: false; reason: string };

export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(private readonly now: () => number) {}

  issue(code: Omit<AuthorizationCode, "expiresAt">): string {
    const value = `ac_${randomBytes(24).toString("base64url")}`;
    this.codes.set(value, { ...code, expiresAt: this.now() + CODE_LIFETIME_MS });
    return value;
  }

  /** The account a live code was issued for (so a fault can target the exchange). */
  owner(value: string): string | undefined {
    return this.codes.get(value)?.accountId;
  }

  /** Checks code, redirect URI and verifier; a code is spent by its first successful exchange. */
  redeem(value: string, redirectUri: string, verifier: string): Redemption {
    const code = this.codes.get(value);
    if (!code || code.expiresAt <= this.now()) return { ok: false, reason: "Invalid or expired authorization code." };
    if (!code.redirectUris.includes(redirectUri)) return { ok: false, reason: "redirect_uri does not match the authorization request." };
    if (!VERIFIER.test(verifier) || s256(verifier) !== code.challenge) return { ok: false, reason: "PKCE verification failed: code_verifier does not match code_challenge." };
    this.codes.delete(value);
    return { ok: true, code };
  }
}
