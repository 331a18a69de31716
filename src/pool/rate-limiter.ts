/**
 * @module Token buckets per key (a client address) plus one for everyone: what limits the OAuth calls a stranger can
 * make the server send. Keys live in an LRU, so a flood of addresses costs bounded memory.
 */
import { LruMap } from "./lru-map.ts";

export interface RateLimit {
  /** Tokens a key may spend at once. */
  burst: number;
  /** Tokens a key regains per minute. */
  perMinute: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSec: number };

export interface RateLimiter {
  /** Spends one token of `key` and one of the overall bucket, or neither and says when to come back. */
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

function refill(bucket: Bucket, limit: RateLimit, nowMs: number): void {
  const earned = ((nowMs - bucket.at) / 60_000) * limit.perMinute;
  bucket.tokens = Math.min(limit.burst, bucket.tokens + earned);
  bucket.at = nowMs;
}

function secondsUntilToken(bucket: Bucket, limit: RateLimit): number {
  return Math.max(1, Math.ceil(((1 - bucket.tokens) / limit.perMinute) * 60));
}

export function createRateLimiter(input: { perKey: RateLimit; overall: RateLimit; maxKeys?: number; now?: () => number }): RateLimiter {
  const { perKey, overall, now = Date.now } = input;
  const buckets = new LruMap<string, Bucket>(input.maxKeys ?? 10_000);
  const shared: Bucket = { tokens: overall.burst, at: now() };
  return {
    take(key) {
      const nowMs = now();
      const own = buckets.get(key) ?? { tokens: perKey.burst, at: nowMs };
      buckets.set(key, own);
      refill(own, perKey, nowMs);
      refill(shared, overall, nowMs);
      if (own.tokens < 1) return { allowed: false, retryAfterSec: secondsUntilToken(own, perKey) };
      if (shared.tokens < 1) return { allowed: false, retryAfterSec: secondsUntilToken(shared, overall) };
      own.tokens -= 1;
      shared.tokens -= 1;
      return { allowed: true };
    },
  };
}
