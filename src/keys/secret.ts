/**
 * @module A client key's secret: `sk-c2a-` and 43 characters of randomness (32 bytes, base64url). Only its SHA-256
 * is stored; a list shows its hint (the prefix and last 4 characters); the request log names it by the first 8 hex
 * of that digest (request-context.ts does the same from the bearer).
 */

export const CLIENT_KEY_PREFIX = "sk-c2a-";

export function newClientKeySecret(): string {
  return CLIENT_KEY_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/** Whether a bearer is meant as a client key (it may still be unknown, revoked or expired). */
export function isClientKeySecret(token: string): boolean {
  return token.startsWith(CLIENT_KEY_PREFIX);
}

export function clientKeyDigest(secret: string): string {
  return new Bun.CryptoHasher("sha256").update(secret).digest("hex");
}

export function clientKeyHint(secret: string): string {
  return `${CLIENT_KEY_PREFIX}…${secret.slice(-4)}`;
}

/** The request log's `client_key` of requests made with the key whose digest this is. */
export function logLabelOfDigest(digest: string): string {
  return `key:${digest.slice(0, 8)}`;
}
