/**
 * @module The 2026 proof-of-work hash and verifier (web-2026.md §3.3–§3.4): FNV-1a-32 over UTF-16 code units with a
 * MurmurHash3-style avalanche finish, 8 lowercase hex digits; answers are `gAAAAAB` + base64(JSON config) + `~S`.
 * Written here, apart from src/, so a wrong client hash cannot be masked by sharing the code.
 */
import { POW_FAILURE_MARK, PROOF_PREFIX, type PowVerdict, sha3Hex } from "../pow-verify.ts";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MIX_1 = 0x85ebca6b;
const MIX_2 = 0xc2b2ae35;
/** The marker a browser appends to a proof it solved synchronously. */
export const SOLVED_SUFFIX = "~S";
/** Config arrays the 2026 server accepts: the 25-slot browser config and the older 18-slot one. */
export const CONFIG_LENGTHS = new Set([18, 25]);

export function fnv1a32Mixed(input: string): string {
  let h = FNV_OFFSET;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, MIX_1) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, MIX_2) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0).toString(16).padStart(8, "0");
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The config array of `<prefix>` + base64(JSON array) with an optional `~S`, when it has 18 or 25 slots. */
export function decodeConfig2026(token: string, prefix: string): unknown[] | undefined {
  if (!token.startsWith(prefix)) return undefined;
  const body = token.slice(prefix.length).replace(/~S$/, "");
  if (body.length === 0 || !BASE64.test(body)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, "base64").toString("utf8"));
    return Array.isArray(value) && CONFIG_LENGTHS.has(value.length) ? value : undefined;
  } catch {
    return undefined;
  }
}

export type ProofAlgorithm = "fnv" | "sha3";

/**
 * Checks a 2026 proof against its seed and difficulty. FNV answers must carry `~S`; a SHA3-512 answer (the 2024
 * algorithm) passes only when `acceptSha3` is set, so a client still solving the old way is caught by default.
 */
export function verifyProof2026(token: string, seed: string, difficulty: string, acceptSha3: boolean): PowVerdict & { algorithm?: ProofAlgorithm } {
  if (!token.startsWith(PROOF_PREFIX)) return { ok: false, reason: "proof token must start with gAAAAAB" };
  const rest = token.slice(PROOF_PREFIX.length);
  if (rest.startsWith(POW_FAILURE_MARK)) return { ok: false, reason: "proof of work was not solved" };
  if (!decodeConfig2026(token, PROOF_PREFIX)) return { ok: false, reason: "proof token is not base64 of a JSON array of 18 or 25 slots" };
  const solved = rest.endsWith(SOLVED_SUFFIX);
  const body = solved ? rest.slice(0, -SOLVED_SUFFIX.length) : rest;
  const target = difficulty.toLowerCase();
  const meets = (hex: string): boolean => hex.slice(0, target.length) <= target;
  if (meets(fnv1a32Mixed(seed + body))) {
    return solved ? { ok: true, algorithm: "fnv" } : { ok: false, reason: "proof of work must end with ~S" };
  }
  if (meets(sha3Hex(seed + body))) {
    return acceptSha3 ? { ok: true, algorithm: "sha3" } : { ok: false, reason: "proof of work uses SHA3-512; this server wants FNV-1a" };
  }
  return { ok: false, reason: "proof of work does not meet the difficulty" };
}
