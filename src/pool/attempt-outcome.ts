/**
 * @module What one upstream attempt on an account came to, and the two predicates that decide what happens next,
 * whichever engine made the attempt: another account (`shouldFailover`), or another try with the same credential
 * (`shouldRetrySameCredential`, for a caller's own token or no-login mode, where there is no other account).
 */

export type AttemptOutcome =
  | { type: "success"; model: string; promptTokens: number; completionTokens: number; latencyMs: number; ttftMs: number | null }
  /** Upstream 401: the account is marked failed, or refreshed when it has a refresh token. */
  | { type: "unauthorized" }
  /** 403 Cloudflare / unusual activity: next account; this one rests briefly. */
  | { type: "blocked"; reason: string }
  /** 429 with clears_in: this account rests for this model until the cap clears. */
  | { type: "capped"; model: string; clearsInSec: number }
  /** 5xx or network: next account. */
  | { type: "server-error"; status: number }
  /** Not the account's fault (bad request, moderation): another account would fail the same way. */
  | { type: "client-error"; status: number };

/** Whether another account may succeed where this attempt failed (only ever asked before the first byte). */
export function shouldFailover(outcome: AttemptOutcome): boolean {
  switch (outcome.type) {
    case "unauthorized":
    case "blocked":
    case "capped":
    case "server-error":
      return true;
    case "success":
    case "client-error":
      return false;
    default: {
      const _exhaustiveCheck: never = outcome;
      return _exhaustiveCheck;
    }
  }
}

/**
 * With no other account the next attempt uses the same credential, so only what may pass by itself is retried:
 * outages, and throttling that a fresh device id or proof-of-work may get past.
 */
export function shouldRetrySameCredential(outcome: AttemptOutcome): boolean {
  if (outcome.type === "server-error") return true;
  return outcome.type === "blocked" && (outcome.reason === "unusual-activity" || outcome.reason === "pow-unsolved");
}
