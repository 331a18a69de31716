/**
 * @module Typed upstream failures: a literal `kind` and what the caller needs to explain it, as facts. Whether
 * another account or another try may succeed is decided in one place (src/pool/attempt-outcome.ts), and the status a
 * client sees at the edge (src/reply/upstream-failure.ts).
 */

export type UpstreamErrorKind =
  | "unauthorized" // 401: the access token is expired, revoked or unknown
  | "forbidden" // 403 JSON: account or region blocked
  | "cloudflare" // 403/503 HTML challenge page
  | "unusual-activity" // the stream never produced an assistant message
  | "capped" // 429 with clears_in: this account has used its cap for this model
  | "rate-limited" // 429 without clears_in
  | "pow-too-hard" // difficulty above POW_DIFFICULTY
  | "pow-unsolved" // no nonce found within the attempt budget
  | "challenge-unavailable" // turnstile/arkose required and no service configured, or it failed
  | "anonymous-refused" // no-login mode refused as a whole ("Unusual activity" 403 on /backend-anon, web-2026.md §9.3)
  | "bad-request" // 400/404/413/422: the request itself is wrong
  | "server" // 5xx
  | "network" // connection failed or timed out
  | "stream"; // failure after the stream began (error event, cut)

export interface UpstreamErrorInit {
  status?: number | null;
  /** Seconds until a cap clears (429 clears_in). */
  clearsInSec?: number | null;
  /** The upstream's own message, already free of secrets. */
  detail?: string | null;
  cause?: unknown;
}

export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  readonly status: number | null;
  readonly clearsInSec: number | null;
  readonly detail: string | null;

  constructor(kind: UpstreamErrorKind, message: string, init: UpstreamErrorInit = {}) {
    super(message, { cause: init.cause });
    this.name = "UpstreamError";
    this.kind = kind;
    this.status = init.status ?? null;
    this.clearsInSec = init.clearsInSec ?? null;
    this.detail = init.detail ?? null;
  }
}
