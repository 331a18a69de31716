/**
 * @module The 2026 proof-of-work loop (web-2026.md §3.4): per attempt slot 3 is the nonce and slot 9 the integer
 * milliseconds since the solve started; the input is `seed ‖ base64(JSON)`, hashed with FNV-1a-32 + finish, and the
 * answer ends in `~S`.
 *
 * Slot 9 follows the wall clock, so no encoding can be prepared per nonce as the SHA3 loop does; instead the seed and
 * the base64 of the JSON before the nonce (whole 3-byte groups of it) are absorbed once, and each attempt encodes and
 * hashes only the rest. FNV-1a is a running state, so that prefix state is simply reused.
 */
import type { PowConfig } from "./config.ts";
import { FNV_INITIAL_STATE, fnvAbsorb, fnvFinish } from "./fnv.ts";

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
  const items = config.map((value) => JSON.stringify(value) ?? "null");
  const head = Buffer.from(`[${items.slice(0, 3).join(",")},`, "utf8");
  const middle = `,${items.slice(4, 9).join(",")},`;
  const tail = `,${items.slice(10).join(",")}]`;
  const fixedLength = Math.floor(head.length / 3) * 3;
  const fixedBase64 = head.subarray(0, fixedLength).toString("base64");
  const headRest = head.subarray(fixedLength);
  const prefixState = fnvAbsorb(fnvAbsorb(FNV_INITIAL_STATE, seed), fixedBase64);
  const target = difficulty.toLowerCase();

  return {
    /** Tries `count` nonces `startNonce, startNonce + step, …`; the first accepted one comes with its answer token. */
    search(startNonce: number, step: number, count: number): { found: FoundProof | null; attempts: number } {
      let nonce = startNonce;
      for (let attempt = 0; attempt < count; attempt++, nonce += step) {
        const elapsed = Math.max(0, Math.round(now() - options.startedAt));
        const rest = Buffer.concat([headRest, Buffer.from(`${nonce}${middle}${elapsed}${tail}`, "utf8")]).toString("base64");
        if (fnvMeets(fnvFinish(fnvAbsorb(prefixState, rest)), target)) {
          return { found: { nonce, token: `${ANSWER_PREFIX}${fixedBase64}${rest}${FNV_ANSWER_SUFFIX}` }, attempts: attempt + 1 };
        }
      }
      return { found: null, attempts: count };
    },
  };
}
