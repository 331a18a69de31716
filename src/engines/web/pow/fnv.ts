/**
 * @module The 2026 proof-of-work hash (web-2026.md §3.3): FNV-1a over a string's UTF-16 code units, then the
 * 32-bit avalanche finish that MurmurHash3 also uses, printed as 8 lowercase hex digits.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a state after absorbing `input` from `state` (start from `FNV_OFFSET`); resumable, so fixed prefixes are hashed once. */
export function fnvAbsorb(state: number, input: string): number {
  let h = state;
  for (let i = 0; i < input.length; i++) h = Math.imul(h ^ input.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * The same over bytes (ASCII text such as base64, where bytes and code units coincide). The solver's hot loop: kept
 * this plain on purpose (optional range arguments made it five times slower under JSC; unrolling did not help).
 */
export function fnvAbsorbBytes(state: number, bytes: Uint8Array): number {
  let h = state;
  const length = bytes.length;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  return h >>> 0;
}

/** The finish: without it the low digits of FNV-1a barely change between neighbouring inputs. */
export function fnvFinish(state: number): number {
  let h = state;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export const FNV_INITIAL_STATE = FNV_OFFSET;

/** FNV-1a-32 with the finish, as 8 lowercase hex digits. */
export function fnvHex(input: string): string {
  return fnvFinish(fnvAbsorb(FNV_OFFSET, input)).toString(16).padStart(8, "0");
}
