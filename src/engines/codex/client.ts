/**
 * @module `openCodexResponse`: one `POST /backend-api/codex/responses` (§2, §4). It answers once the backend has
 * accepted the request, with the event stream (read on demand) and the quota the answer's headers reported; a
 * refusal is thrown as a CodexError before any event.
 */
import type { CodexRequestBody } from "./codex-body.ts";
import { callCodex, type CodexConnection } from "./connection.ts";
import { decodeCodexStream } from "./decode-stream.ts";
import { CodexError } from "./errors.ts";
import type { CodexEvent } from "./events.ts";
import { parseQuotaHeaders, type QuotaWindows } from "./quota.ts";

export interface OpenCodexResponseOptions extends CodexConnection {
  body: CodexRequestBody;
  /** The conversation id: `session_id` header, prompt-cache and routing affinity (same value as `prompt_cache_key`). */
  sessionId?: string;
  /** The `turnState` of an earlier attempt of this same turn (never across turns). */
  turnState?: string;
  /** The longest SSE event kept in memory, in characters. */
  maxEventSize?: number;
}

export interface CodexResponse {
  /** Pull-based: the body is read as events are asked for; cancelling it cancels the request. */
  events: ReadableStream<CodexEvent>;
  /** From the `x-codex-*` headers; null when the answer had none. */
  quota: QuotaWindows | null;
  /** `x-codex-turn-state`: resend it on a retry of this turn for sticky routing. */
  turnState: string | null;
  /** `x-models-etag`: when it differs from the cached catalog's, the catalog is stale. */
  modelsEtag: string | null;
  /** `x-request-id` / `x-oai-request-id`, for support and logs. */
  requestId: string | null;
}

export async function openCodexResponse(options: OpenCodexResponseOptions): Promise<CodexResponse> {
  const { body, sessionId, turnState, maxEventSize, signal, now = Date.now } = options;
  const response = await callCodex(options, {
    method: "POST",
    path: "/backend-api/codex/responses",
    accept: "text/event-stream",
    body: JSON.stringify(body),
    headers: { ...(sessionId ? { sessionId } : {}), ...(turnState ? { turnState } : {}) },
  });
  if (!response.body) throw new CodexError("stream", `The Codex backend answered HTTP ${response.status} without a body`, { status: response.status });
  const { headers } = response;
  // The Content-Type is not checked: since mid-2026 the stream may come without one (§4.1).
  return {
    events: decodeCodexStream(response.body, { ...(signal ? { signal } : {}), ...(maxEventSize ? { maxEventSize } : {}), now }),
    quota: parseQuotaHeaders(headers, now()),
    turnState: headers.get("x-codex-turn-state"),
    modelsEtag: headers.get("x-models-etag"),
    requestId: headers.get("x-request-id") ?? headers.get("x-oai-request-id"),
  };
}
