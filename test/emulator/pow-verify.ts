/**
 * @module Independent proof-of-work verification (upstream.md §4.3): `gAAAAAB` + base64 of a JSON array, accepted
 * when the first hex digits of SHA3-512(seed + base64) are <= the difficulty. Written apart from src/ on purpose.
 */

export const PROOF_PREFIX = "gAAAAAB";
export const REQUIREMENTS_PREFIX = "gAAAAAC";
/** What a browser (and chat2api) sends when it gave up solving: never a valid proof. */
export const POW_FAILURE_MARK = "wQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D";

export type PowVerdict = { ok: true } | { ok: false; reason: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The JSON array carried by a `gAAAAAB…`/`gAAAAAC…` value, or undefined when it is not one. */
export function decodeConfigToken(token: string, prefix: string): unknown[] | undefined {
  if (!token.startsWith(prefix)) return undefined;
  const b64 = token.slice(prefix.length);
  if (b64.length === 0 || !BASE64.test(b64)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function sha3Hex(input: string): string {
  return new Bun.CryptoHasher("sha3-512").update(input).digest("hex");
}

export function verifyProofToken(token: string, seed: string, difficulty: string): PowVerdict {
  if (!token.startsWith(PROOF_PREFIX)) return { ok: false, reason: "proof token must start with gAAAAAB" };
  const b64 = token.slice(PROOF_PREFIX.length);
  if (b64.startsWith(POW_FAILURE_MARK)) return { ok: false, reason: "proof of work was not solved" };
  if (!decodeConfigToken(token, PROOF_PREFIX)) return { ok: false, reason: "proof token is not base64 of a JSON array" };
  const prefix = sha3Hex(seed + b64).slice(0, difficulty.length);
  return prefix <= difficulty.toLowerCase() ? { ok: true } : { ok: false, reason: "proof of work does not meet the difficulty" };
}
