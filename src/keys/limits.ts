/**
 * @module The arithmetic of a key's limits: fixed windows (the minute, the UTC day), and what a client is told,
 * OpenAI's way: `x-ratelimit-limit-*`, `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` for requests and tokens,
 * and on a refusal a 429 `rate_limit_exceeded` with `Retry-After`.
 */
import { RateLimitError } from "../errors.ts";
import type { ClientKeyRow, KeyCounts, LimitName } from "../store/client-key-store.ts";

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How long a retry waits when the key's concurrent requests are all taken: one of them must end first. */
const CONCURRENCY_RETRY_SEC = 1;

export function minuteStartOf(now: number): number {
  return now - (now % MINUTE_MS);
}

/** The UTC day of `now`, `YYYY-MM-DD`. */
export function dayOf(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function msToNextMinute(now: number): number {
  return minuteStartOf(now) + MINUTE_MS - now;
}

function msToNextDay(now: number): number {
  return now - (now % DAY_MS) + DAY_MS - now;
}

/** A duration as OpenAI writes its resets: `250ms`, `12s`, `1m30s`, `6h0m0s`. */
export function resetText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/**
 * The headers for the key's limits as counted: requests from the per-minute limit, tokens from the per-minute limit
 * (the per-day one when the key has only that). A key without a limit of a kind sends no headers of it.
 */
export function rateLimitHeaders(key: ClientKeyRow, counts: KeyCounts, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  if (key.requestsPerMinute !== null) {
    headers["x-ratelimit-limit-requests"] = String(key.requestsPerMinute);
    headers["x-ratelimit-remaining-requests"] = String(Math.max(0, key.requestsPerMinute - counts.requests));
    headers["x-ratelimit-reset-requests"] = resetText(msToNextMinute(now));
  }
  const perMinute = key.tokensPerMinute !== null;
  const tokenLimit = key.tokensPerMinute ?? key.tokensPerDay;
  if (tokenLimit !== null) {
    const used = perMinute ? counts.tokens : counts.tokensToday;
    headers["x-ratelimit-limit-tokens"] = String(tokenLimit);
    headers["x-ratelimit-remaining-tokens"] = String(Math.max(0, tokenLimit - used));
    headers["x-ratelimit-reset-tokens"] = resetText(perMinute ? msToNextMinute(now) : msToNextDay(now));
  }
  return headers;
}

/** The 429 for a request a limit refused, with the headers and a `Retry-After` of when that limit has room. */
export function limitRefusal(refusedBy: LimitName, key: ClientKeyRow, counts: KeyCounts, now: number): RateLimitError {
  const headers = rateLimitHeaders(key, counts, now);
  const minuteSec = msToNextMinute(now) / 1000;
  switch (refusedBy) {
    case "requests-per-minute":
      return new RateLimitError(`Rate limit reached for this key on requests per minute: limit ${key.requestsPerMinute}. Try again in ${Math.ceil(minuteSec)} s.`, minuteSec, { headers });
    case "tokens-per-minute":
      return new RateLimitError(`Rate limit reached for this key on tokens per minute: limit ${key.tokensPerMinute}, used ${counts.tokens}. Try again in ${Math.ceil(minuteSec)} s.`, minuteSec, { headers });
    case "tokens-per-day": {
      const daySec = msToNextDay(now) / 1000;
      const dayHeaders = { ...headers, "x-ratelimit-limit-tokens": String(key.tokensPerDay), "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": resetText(daySec * 1000) };
      return new RateLimitError(`Rate limit reached for this key on tokens per day: limit ${key.tokensPerDay}, used ${counts.tokensToday}. Try again after 00:00 UTC.`, daySec, { headers: dayHeaders });
    }
    case "concurrent-requests":
      return new RateLimitError(`Too many concurrent requests for this key: limit ${key.concurrentRequests}. Try again when one has finished.`, CONCURRENCY_RETRY_SEC, { headers });
    default: {
      const _exhaustiveCheck: never = refusedBy;
      return _exhaustiveCheck;
    }
  }
}
