/**
 * @module Which proof-of-work challenges the calling thread solves itself instead of sending them to the Worker pool.
 *
 * A pool solve costs a message each way and a structured clone of the config: about 30 µs per solve measured on the
 * 2-core bench machine (bench/RESULTS.md, "Proof of work: easy challenges inline"), more than the hashing of a
 * typical challenge. So a challenge whose expected work is under a few round trips is solved inline: the event loop
 * stalls for about a tenth of a millisecond at most on average, and the pool keeps the hard ones.
 */
import type { PowHash } from "./proof-search.ts";

/**
 * The most expected attempts solved inline: about 4 round trips (≈ 120 µs) of hashing at ≈ 2.2–2.5 µs per SHA3 attempt
 * and ≈ 0.7 µs per FNV attempt. The requirements token's `0fffff` (16 attempts) is always under both.
 */
export const INLINE_MAX_EXPECTED_ATTEMPTS: Readonly<Record<PowHash, number>> = { sha3: 48, fnv: 160 };

/** Hex digits that decide acceptance: FNV is a 32-bit hash (8 digits); for SHA3 13 digits are exact in a double. */
const DECIDING_DIGITS: Readonly<Record<PowHash, number>> = { sha3: 13, fnv: 8 };

/**
 * The expected attempts until a hash is accepted: an answer needs its first n hex digits <= the difficulty's, which
 * a uniform hash does with probability (value + 1) / 16^n. Beyond 13 digits the estimate is the 13-digit one, lower
 * by at most a factor (v + 1) / v, which only matters when it is already far above any inline limit.
 */
export function expectedAttempts(hash: PowHash, difficulty: string): number {
  const digits = Math.min(difficulty.length, DECIDING_DIGITS[hash]);
  if (digits === 0) return 1;
  return 16 ** digits / (Number.parseInt(difficulty.slice(0, digits), 16) + 1);
}

export function solvesInline(hash: PowHash, difficulty: string, limits: Readonly<Record<PowHash, number>> = INLINE_MAX_EXPECTED_ATTEMPTS): boolean {
  return expectedAttempts(hash, difficulty) <= limits[hash];
}
