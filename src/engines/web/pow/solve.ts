/**
 * @module The proof-of-work solver (upstream.md §4.3, §4.4; web-2026.md §3.4): pure and synchronous, so it runs as
 * is in a Worker, a test or a bench.
 */
import type { PowConfig } from "./config.ts";
import { ANSWER_PREFIX, createProofSearch, FAILURE_MARKER, failureToken, type PowHash } from "./proof-search.ts";

export { ANSWER_PREFIX, FAILURE_MARKER, failureToken };

export type SolveResult = { solved: true; token: string; nonce: number; attempts: number } | { solved: false; token: string; attempts: number };

export interface SolveOptions {
  /** How many nonces to try; 500 000 like chat2api. */
  maxAttempts?: number;
  /** The first nonce (default 0). */
  startNonce?: number;
  /** The distance between tried nonces (default 1), so n solvers can share one challenge. */
  step?: number;
  /** `sha3` (2024, the default) or `fnv` (2026). */
  hash?: PowHash;
  /** FNV only: the solve's start (epoch ms) and clock, for slot 9. */
  startedAt?: number;
  now?: () => number;
}

export const REQUIREMENTS_PREFIX = "gAAAAAC";
export const DEFAULT_MAX_ATTEMPTS = 500_000;
/** §4.4: the requirements token proves this fixed, easy difficulty (about 16 attempts). */
export const REQUIREMENTS_DIFFICULTY = "0fffff";

export function solveProofOfWork(seed: string, difficulty: string, config: PowConfig, options: SolveOptions = {}): SolveResult {
  const { maxAttempts = DEFAULT_MAX_ATTEMPTS, startNonce = 0, step = 1, hash = "sha3" } = options;
  const search = createProofSearch(hash, seed, difficulty, config, {
    ...(options.startedAt !== undefined ? { startedAt: options.startedAt } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const { found, attempts } = search.search(startNonce, step, maxAttempts);
  if (found === null) return { solved: false, token: failureToken(seed, hash), attempts };
  return { solved: true, token: found.token, nonce: found.nonce, attempts };
}

/** The `p` of the 2024 chat-requirements: the same routine on a random seed, marked `gAAAAAC`. */
export function requirementsToken(config: PowConfig, random: () => number = Math.random): string {
  return toRequirementsToken(solveProofOfWork(String(random()), REQUIREMENTS_DIFFICULTY, config).token);
}

/** Re-marks an answer token as a requirements token. */
export function toRequirementsToken(answerToken: string): string {
  return REQUIREMENTS_PREFIX + answerToken.slice(ANSWER_PREFIX.length);
}
