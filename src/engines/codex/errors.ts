/**
 * @module `CodexError`: what the Codex backend refused or failed to do, as facts (status, upstream code and param,
 * the reset a usage limit announced). Whether another account or a retry could help is decided by the caller.
 */
import type { QuotaWindows } from "./quota.ts";

export type CodexErrorKind =
  | "unauthorized" // 401: token expired, revoked, reused refresh token, account deactivated
  | "forbidden" // 403 JSON (region, workspace) or a plan without Codex (429 usage_not_included)
  | "cloudflare" // 403 HTML page: IP or fingerprint block, not the account
  | "usage-limit" // 429 usage_limit_reached: this account's window is spent until `resetsAt`
  | "rate-limited" // 429 without usage_limit_reached, or an in-stream rate_limit_exceeded: transient
  | "bad-request" // 400/404: the request itself is wrong (`param` names the field when known)
  | "model-unsupported" // the model is unknown, not in this plan, or needs a newer client version
  | "server" // 5xx, overload
  | "network" // no answer: connection refused, reset, DNS
  | "stream"; // the stream broke before its first event, or failed with an unclassified code

export interface CodexErrorInit {
  status?: number | null;
  /** The upstream's error code (`token_expired`, `refresh_token_reused`, `server_is_overloaded`…). */
  code?: string | null;
  /** The request field the upstream named (`temperature`, `reasoning.effort`…). */
  param?: string | null;
  /** The upstream's own message, already free of secrets. */
  detail?: string | null;
  /** Seconds until the usage limit resets (429 usage_limit_reached). */
  resetsInSec?: number | null;
  /** When the usage limit resets, epoch milliseconds. */
  resetsAt?: number | null;
  /** Seconds the upstream asked to wait (Retry-After, "try again in 2s"). */
  retryAfterSec?: number | null;
  planType?: string | null;
  /** The quota headers that came with the refusal. */
  quota?: QuotaWindows | null;
  cause?: unknown;
}

export class CodexError extends Error {
  readonly kind: CodexErrorKind;
  readonly status: number | null;
  readonly code: string | null;
  readonly param: string | null;
  readonly detail: string | null;
  readonly resetsInSec: number | null;
  readonly resetsAt: number | null;
  readonly retryAfterSec: number | null;
  readonly planType: string | null;
  readonly quota: QuotaWindows | null;

  constructor(kind: CodexErrorKind, message: string, init: CodexErrorInit = {}) {
    super(message, { cause: init.cause });
    this.name = "CodexError";
    this.kind = kind;
    this.status = init.status ?? null;
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.detail = init.detail ?? null;
    this.resetsInSec = init.resetsInSec ?? null;
    this.resetsAt = init.resetsAt ?? null;
    this.retryAfterSec = init.retryAfterSec ?? null;
    this.planType = init.planType ?? null;
    this.quota = init.quota ?? null;
  }
}
