/**
 * @module An in-stream failure (`response.failed`, `error` event: §4.3) as a typed CodexError, for a failure that
 * comes before the first event, or for a caller that reads ahead and wants the real status of an early failure.
 */
import { CodexError, type CodexErrorKind } from "./errors.ts";

const KINDS: Record<string, CodexErrorKind> = {
  usage_limit_reached: "usage-limit",
  insufficient_quota: "usage-limit",
  usage_not_included: "forbidden",
  rate_limit_exceeded: "rate-limited",
  server_is_overloaded: "server",
  slow_down: "server",
  server_error: "server",
  context_length_exceeded: "bad-request",
  invalid_prompt: "bad-request",
  invalid_encrypted_content: "bad-request",
  invalid_request_error: "bad-request",
  cyber_policy: "bad-request",
};

export interface FailureFacts {
  code: string | null;
  message: string;
  param?: string | null;
  /** Epoch seconds, as `response.error.resets_at` carries it. */
  resetsAtSec?: number | null;
  planType?: string | null;
}

/** "Rate limit reached… Please try again in 1.5s." → 1.5; "in 250ms" → 0.25. */
export function retryDelayFromMessage(message: string): number | null {
  const match = /try again in\s+(\d+(?:\.\d+)?)\s*(ms|s|seconds?)\b/i.exec(message);
  if (!match?.[1]) return null;
  const amount = Number(match[1]);
  return match[2]?.toLowerCase() === "ms" ? amount / 1000 : amount;
}

export function codexErrorFromFailure({ code, message, param, resetsAtSec, planType }: FailureFacts, nowMs: number): CodexError {
  const kind = (code && KINDS[code]) || "stream";
  const resetsAt = typeof resetsAtSec === "number" && resetsAtSec > 0 ? resetsAtSec * 1000 : null;
  return new CodexError(kind, `The Codex backend failed the response${code ? ` (${code})` : ""}: ${message}`, {
    code,
    param: param ?? null,
    detail: message,
    resetsAt,
    resetsInSec: resetsAt === null ? null : Math.max(0, Math.ceil((resetsAt - nowMs) / 1000)),
    retryAfterSec: kind === "rate-limited" ? retryDelayFromMessage(message) : null,
    planType: planType ?? null,
  });
}
