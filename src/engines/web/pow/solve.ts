/**
 * @module The proof-of-work solver (upstream.md §4.3, §4.4): pure and synchronous, so it runs as is in a Worker,
 * a test or a bench.
 */
import type { PowConfig } from "./config.ts";
import { createNonceSearch } from "./nonce-search.ts";

export type SolveResult = { solved: true; token: string; nonce: number; attempts: number } | { solved: false; token: string; attempts: number };

export interface SolveOptions {
  /** How many nonces to try; 500 000 like chat2api. */
  maxAttempts?: number;
  /** The first nonce (default 0). */
  startNonce?: number;
  /** The distance between tried nonces (default 1), so n solvers can share one challenge. */
  step?: number;
}

export const ANSWER_PREFIX = "gAAAAAB";
export const REQUIREMENTS_PREFIX = "gAAAAAC";
/** What the browser sends when it gave up: the server recognises the marker, the seed tells which challenge. */
export const FAILURE_MARKER = "wQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D";
export const DEFAULT_MAX_ATTEMPTS = 500_000;
/** §4.4: the requirements token proves this fixed, easy difficulty (about 16 attempts). */
export const REQUIREMENTS_DIFFICULTY = "0fffff";

export function solveProofOfWork(seed: string, difficulty: string, config: PowConfig, options: SolveOptions = {}): SolveResult {
  const { maxAttempts = DEFAULT_MAX_ATTEMPTS, startNonce = 0, step = 1 } = options;
  const search = createNonceSearch(seed, difficulty, config);
  const { nonce, attempts } = search.search(startNonce, step, maxAttempts);
  if (nonce === null) return { solved: false, token: failureToken(seed), attempts };
  return { solved: true, token: ANSWER_PREFIX + search.encodedConfig(nonce), nonce, attempts };
}

export function failureToken(seed: string): string {
  return ANSWER_PREFIX + FAILURE_MARKER + Buffer.from(JSON.stringify(seed)).toString("base64");
}

/** The `p` of chat-requirements: the same routine on a random seed, marked `gAAAAAC`. */
export function requirementsToken(config: PowConfig, random: () => number = Math.random): string {
  return toRequirementsToken(solveProofOfWork(String(random()), REQUIREMENTS_DIFFICULTY, config).token);
}

/** Re-marks an answer token as a requirements token (also used by the worker pool). */
export function toRequirementsToken(answerToken: string): string {
  return REQUIREMENTS_PREFIX + answerToken.slice(ANSWER_PREFIX.length);
}
