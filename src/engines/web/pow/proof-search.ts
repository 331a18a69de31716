/**
 * @module One proof-of-work search over either hash (web-2026.md §3.6): `sha3` is the 2024 algorithm (SHA3-512,
 * slot 9 = nonce >> 1, no suffix), `fnv` the 2026 one (FNV-1a-32 + finish, slot 9 = elapsed ms, `~S`). The worker,
 * the synchronous solver and the pool all go through this, so the hash is one field of the request.
 */
import type { PowConfig } from "./config.ts";
import { createFnvSearch, FNV_ANSWER_SUFFIX, type FoundProof } from "./fnv-search.ts";
import { createNonceSearch } from "./nonce-search.ts";

export type PowHash = "sha3" | "fnv";

export const ANSWER_PREFIX = "gAAAAAB";
/** What the browser sends when it gave up: the server recognises the marker. */
export const FAILURE_MARKER = "wQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D";

export interface ProofSearch {
  search(startNonce: number, step: number, count: number): { found: FoundProof | null; attempts: number };
}

export interface ProofSearchOptions {
  /** FNV only: when the solve started (epoch ms), for slot 9. */
  startedAt?: number;
  now?: () => number;
}

export function createProofSearch(hash: PowHash, seed: string, difficulty: string, config: PowConfig, options: ProofSearchOptions = {}): ProofSearch {
  if (hash === "fnv") {
    const now = options.now ?? Date.now;
    return createFnvSearch(seed, difficulty, config, { startedAt: options.startedAt ?? now(), now });
  }
  const sha3 = createNonceSearch(seed, difficulty, config);
  return {
    search(startNonce, step, count) {
      const { nonce, attempts } = sha3.search(startNonce, step, count);
      return { found: nonce === null ? null : { nonce, token: ANSWER_PREFIX + sha3.encodedConfig(nonce) }, attempts };
    },
  };
}

/**
 * The "gave up" token. 2024 (upstream.md §4.3) encodes the seed; the 2026 page encodes its error text (`"e"` by
 * default) and marks it `~S` like any answer (web-2026.md §3.4).
 */
export function failureToken(seed: string, hash: PowHash = "sha3"): string {
  if (hash === "fnv") return ANSWER_PREFIX + FAILURE_MARKER + Buffer.from(JSON.stringify("e")).toString("base64") + FNV_ANSWER_SUFFIX;
  return ANSWER_PREFIX + FAILURE_MARKER + Buffer.from(JSON.stringify(seed)).toString("base64");
}
