/**
 * @module The 2026 proof-of-work loop (web-2026.md §3.4): per attempt slot 3 is the nonce and slot 9 the integer
 * milliseconds since the solve started; the input is `seed ‖ base64(JSON)`, hashed with FNV-1a-32 + finish, and the
 * answer ends in `~S`.
 *
 * The text is kept encoded in one byte buffer with both slots patched in place (answer-text.ts), so an attempt
 * allocates nothing; the seed and the base64 before the nonce are absorbed once (FNV-1a is a running state, so that
 * prefix state is simply reused) and each attempt hashes only the rest.
 */
import type { PowConfig } from "./config.ts";
import { createAnswerText } from "./answer-text.ts";
import { FNV_INITIAL_STATE, fnvAbsorb, fnvAbsorbBytes, fnvFinish } from "./fnv.ts";

export const FNV_ANSWER_SUFFIX = "~S";
const ANSWER_PREFIX = "gAAAAAB";

export interface FnvSearchOptions {
  /** When the solve started (epoch ms): slot 9 is the time since. */
  startedAt: number;
  /** The clock (tests hold it still to reproduce the worked vectors). */
  now?: () => number;
}

export interface FoundProof {
  nonce: number;
  token: string;
}

/** Whether an FNV hash meets a difficulty: its first n hex digits <= the difficulty, as equal-length lowercase hex compare. */
export function fnvMeets(hash: number, difficulty: string): boolean {
  const n = difficulty.length;
  if (n === 0) return true;
  if (n <= 8) return hash >>> (32 - 4 * n) <= Number.parseInt(difficulty, 16);
  return hash.toString(16).padStart(8, "0") <= difficulty.toLowerCase();
}

export function createFnvSearch(seed: string, difficulty: string, config: PowConfig, options: FnvSearchOptions) {
  if (!/^[0-9a-fA-F]*$/.test(difficulty)) throw new TypeError("A proof-of-work difficulty must be a hex string.");
  const now = options.now ?? Date.now;
  const text = createAnswerText(new TextEncoder().encode(seed), config);
  // FNV runs over UTF-16 code units: the seed as a string, the base64 (ASCII) as bytes.
  const prefixState = fnvAbsorb(fnvAbsorb(FNV_INITIAL_STATE, seed), text.prefixBase64);
  const meets = fnvTarget(difficulty);

  return {
    /** Tries `count` nonces `startNonce, startNonce + step, …`; the first accepted one comes with its answer token. */
    search(startNonce: number, step: number, count: number): { found: FoundProof | null; attempts: number } {
      let nonce = startNonce;
      for (let attempt = 0; attempt < count; attempt++, nonce += step) {
        const elapsed = Math.max(0, Math.round(now() - options.startedAt));
        if (meets(fnvFinish(fnvAbsorbBytes(prefixState, text.place(nonce, elapsed))))) {
          return { found: { nonce, token: `${ANSWER_PREFIX}${text.encoded()}${FNV_ANSWER_SUFFIX}` }, attempts: attempt + 1 };
        }
      }
      return { found: null, attempts: count };
    },
  };
}

/** `fnvMeets` for one difficulty, with the comparison bound worked out once. */
function fnvTarget(difficulty: string): (hash: number) => boolean {
  const n = difficulty.length;
  if (n === 0) return () => true;
  if (n <= 8) {
    const shift = 32 - 4 * n;
    const bound = Number.parseInt(difficulty, 16);
    return (hash) => hash >>> shift <= bound;
  }
  return (hash) => fnvMeets(hash, difficulty);
}
