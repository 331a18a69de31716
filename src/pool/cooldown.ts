/**
 * @module The cooldown policy: a pure function from an attempt's outcome to what changes on the account. The pool
 * applies the result; tests read the policy as a table.
 */
import type { AttemptOutcome } from "./attempt-outcome.ts";

/** A blocked account (Cloudflare, unusual activity) rests this long: long enough to stop hammering, short enough to come back. */
export const BLOCKED_COOLDOWN_SEC = 60;

/** `*` is the whole account; otherwise an upstream model slug. */
export const ALL_MODELS = "*";

export interface AccountTransition {
  /** How the attempt counts in the account's statistics; null: not at all (the request was at fault). */
  counted: "success" | "failure" | null;
  cooldown: { model: string; untilMs: number; reason: "capped" | "blocked" } | null;
  /** Try a forced refresh (401 on an account that has a refresh token). */
  refresh: boolean;
  /** Mark the account failed with this reason (401 with nothing to refresh). */
  fail: string | null;
  /** The account's `lastError` afterwards: a string sets it, null clears it, undefined keeps it. */
  lastError: string | null | undefined;
}

/** A 401 within this long after a refresh means the account itself is refused: refreshing again would loop. */
export const FRESH_TOKEN_GRACE_MS = 10 * 60_000;

export interface AccountFacts {
  canRefresh: boolean;
  /** Epoch ms the current access token was obtained by a refresh; null when never refreshed. */
  refreshedAt: number | null;
}

export function nextAccountState(account: AccountFacts, outcome: AttemptOutcome, nowMs: number): AccountTransition {
  const base: AccountTransition = { counted: "failure", cooldown: null, refresh: false, fail: null, lastError: undefined };
  switch (outcome.type) {
    case "success":
      return { ...base, counted: "success", lastError: null };
    case "client-error":
      return { ...base, counted: null };
    case "unauthorized": {
      const justRefreshed = account.refreshedAt !== null && nowMs - account.refreshedAt < FRESH_TOKEN_GRACE_MS;
      if (account.canRefresh && !justRefreshed) return { ...base, refresh: true, lastError: "upstream answered 401; refreshing" };
      const reason = justRefreshed ? "upstream rejected a freshly refreshed access token (401)" : "upstream rejected the access token (401)";
      return { ...base, fail: reason, lastError: reason };
    }
    case "blocked":
      return {
        ...base,
        cooldown: { model: ALL_MODELS, untilMs: nowMs + BLOCKED_COOLDOWN_SEC * 1000, reason: "blocked" },
        lastError: `blocked: ${outcome.reason}`,
      };
    case "capped": {
      const seconds = Math.max(1, Math.ceil(outcome.clearsInSec));
      return {
        ...base,
        cooldown: { model: outcome.model, untilMs: nowMs + seconds * 1000, reason: "capped" },
        lastError: `usage cap for ${outcome.model}; clears in ${seconds}s`,
      };
    }
    case "server-error":
      return { ...base, lastError: `upstream error ${outcome.status}` };
    default: {
      const _exhaustiveCheck: never = outcome;
      return _exhaustiveCheck;
    }
  }
}
