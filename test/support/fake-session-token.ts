/** @module Session tokens shaped like chatgpt.com's (web-2026.md §8.1: a `dir`/A256GCM JWE) for tests that need no emulator. */

const HEADER = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0";

/** A five-part JWE, distinct per seed; `length` characters of ciphertext (above 3936 in all, a browser would chunk it). */
export function fakeSessionToken(seed: string, length = 120): string {
  const fill = Buffer.from(seed.repeat(Math.ceil(length / Math.max(1, seed.length)))).toString("base64url").slice(0, length);
  return `${HEADER}..${Buffer.from(`iv-${seed}`).toString("base64url")}.${fill}.${Buffer.from(`tag-${seed}`).toString("base64url")}`;
}
