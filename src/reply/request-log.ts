/**
 * @module One row of the request log per reply, however it ended: a reply that began is logged when its deltas end,
 * one that failed before (a refused caller, an unknown model, a resting pool, every attempt failed) when it is refused.
 * Each row carries the request id the client got, the engine and the upstream attempts made. A failed write is
 * logged, never thrown at the client.
 */
import { ApiError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { RequestAttempt, Store } from "../store/store.ts";
import { apiErrorOf } from "./api-error-of.ts";
import type { EngineName } from "./model-router.ts";

export interface FinishedReply {
  clientKey: string | null;
  accountId: string | null;
  /** The model name the client asked for. */
  model: string;
  promptTokens: number;
  completionTokens: number;
  status: number;
  startedAt: number;
  ttftMs: number | null;
  /** The `x-request-id` of the request (app.ts), when known. */
  requestId?: string | null;
  engine?: EngineName | null;
  attempts?: readonly RequestAttempt[];
  /** The error code (or type) the client was answered with; null for a reply that began. */
  error?: string | null;
}

export type RequestLogDeps = { store: Pick<Store, "logRequest">; logger: Logger; now: () => number };

export function logFinishedReply(deps: RequestLogDeps, reply: FinishedReply): void {
  const at = deps.now();
  void deps.store
    .logRequest({
      at,
      clientKey: reply.clientKey ?? "anonymous",
      accountId: reply.accountId,
      model: reply.model,
      promptTokens: reply.promptTokens,
      completionTokens: reply.completionTokens,
      status: reply.status,
      latencyMs: at - reply.startedAt,
      ttftMs: reply.ttftMs,
      requestId: reply.requestId ?? null,
      engine: reply.engine ?? null,
      attempts: JSON.stringify(reply.attempts ?? []),
      error: reply.error ?? null,
    })
    .catch((error: unknown) => deps.logger.warn("request log write failed", { error }));
}

/** What is known of a request that was refused before its reply began. */
export interface RefusedRequest {
  clientKey: string | null;
  requestId: string | null;
  model: string;
  engine: EngineName | null;
  startedAt: number;
  attempts: readonly RequestAttempt[];
}

/**
 * Logs a request refused before its reply began, with the status and code the client gets (api-error-of.ts and the
 * app's error handler agree on them). A client that went away is 499; an unexpected error 500.
 */
export function logRefusedRequest(deps: RequestLogDeps, request: RefusedRequest, error: unknown, aborted: boolean): void {
  const fact = apiErrorOf(error);
  const status = aborted ? 499 : fact instanceof ApiError ? fact.status : 500;
  const code = aborted ? "client_closed" : fact instanceof ApiError ? (fact.code ?? fact.type) : "server_error";
  // the account of the last attempt: the one whose failure the client was told
  const accountId = request.attempts.at(-1)?.accountId ?? null;
  const { attempts, clientKey, engine, model, requestId, startedAt } = request;
  logFinishedReply(deps, { clientKey, accountId, model, promptTokens: 0, completionTokens: 0, status, startedAt, ttftMs: null, requestId, engine, attempts, error: code });
}

/** The error column of a reply that began: it failed after its start (502) or its client went away (499). */
export function errorOfEnd(status: number): string | null {
  if (status === 499) return "client_closed";
  return status >= 400 ? "upstream_stream_failed" : null;
}
