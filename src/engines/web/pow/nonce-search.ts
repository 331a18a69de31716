/**
 * @module The proof-of-work inner loop (upstream.md §4.3), prepared once per challenge and then run over any nonce
 * range or stride. The solver, the worker and the bench all drive this one loop.
 *
 * The per-attempt input is `seed ‖ base64(JSON.stringify(config))` where only slot 3 (nonce) and slot 9 (nonce >> 1)
 * change; answer-text.ts keeps it encoded and patches the digits in place.
 */
import { createAnswerText } from "./answer-text.ts";
import type { PowConfig } from "./config.ts";
import { createPrefixedSha3 } from "./keccak-wasm.ts";

export interface NonceSearch {
  /** Tries `count` nonces `startNonce, startNonce + step, …`; `nonce` is the first accepted one, else null. */
  search(startNonce: number, step: number, count: number): { nonce: number | null; attempts: number };
  /** The `base64(JSON)` that was hashed for `nonce` (what follows `gAAAAAB` in the token). */
  encodedConfig(nonce: number): string;
}

/** The accepted-hash bound of §4.3 step 5, as digest bytes plus an optional trailing nibble. */
export interface DifficultyTarget {
  bytes: Uint8Array;
  /** The high nibble bound for an odd-length difficulty, or -1. */
  nibble: number;
}

const SHA3_512_HEX_LENGTH = 128;

/** Parses a hex difficulty; throws a TypeError on anything but hex (case is ignored: the spec compares lowercase). */
export function parseDifficulty(difficulty: string): DifficultyTarget {
  if (!/^[0-9a-fA-F]*$/.test(difficulty)) throw new TypeError("A proof-of-work difficulty must be a hex string.");
  // A difficulty longer than the digest still compares its first 128 digits; equality then means "<=".
  const hex = difficulty.slice(0, SHA3_512_HEX_LENGTH).toLowerCase();
  const bytes = Uint8Array.from({ length: hex.length >> 1 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  const nibble = hex.length % 2 === 1 ? Number.parseInt(hex.slice(-1), 16) : -1;
  return { bytes, nibble };
}

/** Whether a digest's leading hex digits are <= the target, compared on bytes so no hex string is made. */
export function meetsTarget(digest: Uint8Array, target: DifficultyTarget): boolean {
  const { bytes, nibble } = target;
  for (let i = 0; i < bytes.length; i++) {
    const d = digest[i] as number;
    const t = bytes[i] as number;
    if (d !== t) return d < t;
  }
  return nibble < 0 || (digest[bytes.length] as number) >> 4 <= nibble;
}

export function createNonceSearch(seed: string, difficulty: string, config: PowConfig): NonceSearch {
  const target = parseDifficulty(difficulty);
  const text = createAnswerText(new TextEncoder().encode(seed), config);
  // The prefix never changes: its whole blocks are absorbed once.
  const sha3 = createPrefixedSha3(text.prefix);

  return {
    search(startNonce, step, count) {
      let nonce = startNonce;
      for (let attempt = 0; attempt < count; attempt++, nonce += step) {
        const rest = text.place(nonce, Math.floor(nonce / 2));
        if (meetsTarget(sha3.digestChanged(rest, text.changedBytes()), target)) return { nonce, attempts: attempt + 1 };
      }
      return { nonce: null, attempts: count };
    },
    encodedConfig(nonce) {
      text.place(nonce, Math.floor(nonce / 2));
      return text.encoded();
    },
  };
}
