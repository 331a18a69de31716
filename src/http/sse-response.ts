/**
 * @module Writes a stream of objects as OpenAI's SSE, in one of two dialects: chat completions (one `data: <json>`
 * line per chunk, `data: [DONE]`, then the close) or the Responses API's named events (`event: <type>`, no
 * `[DONE]`). Idle gaps get `: keep-alive` comments (reasoning models think for minutes); a failure after the first
 * byte becomes the dialect's error event before the close.
 *
 * Backpressure: the body pulls one item only when Bun has taken the last chunk for the socket, and every stage up to
 * the upstream read is pull-driven with a queue of one, so a client that stops reading stops the upstream read too
 * (what stays in flight is the sockets' kernel buffers). Such a client is let go after `stalledClientMs`.
 */
import { ApiError, InternalError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { UpstreamError } from "../engines/web/errors.ts";
import { apiErrorOf } from "../reply/api-error-of.ts";
import { toApiError } from "../reply/upstream-failure.ts";

const encoder = new TextEncoder();

/** How one API frames its items, ends its stream, and reports a failure no item carried. */
export interface SseDialect {
  frame(item: object): string;
  /** Written after the last item (`data: [DONE]`), or nothing. */
  end: string | null;
  /** An item after which nothing may follow (an in-stream error, a final event). */
  isLast(item: object): boolean;
  failure(error: ApiError): string;
}

const dataLine = (payload: string): string => `data: ${payload}\n\n`;

export const chatCompletionsSse: SseDialect = {
  frame: (item) => dataLine(JSON.stringify(item)),
  end: dataLine("[DONE]"),
  // an in-stream error is the last event: no [DONE] after it, so no client mistakes it for an answer
  isLast: (item) => "error" in item,
  failure: (error) => dataLine(JSON.stringify(error.toJSON())),
};

function errorOf(thrown: unknown): ApiError {
  const error = apiErrorOf(thrown);
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamError) return toApiError(error, false);
  return new InternalError();
}

export interface SseOptions {
  headers: Record<string, string>;
  keepAliveMs?: number;
  /** A client that takes nothing for this long while a chunk waits for it is let go, and its upstream stream with it. */
  stalledClientMs?: number;
  logger: Logger;
  dialect?: SseDialect;
}

export function sseResponse(
  chunks: ReadableStream<object>,
  { headers, keepAliveMs = 15_000, stalledClientMs = 120_000, logger, dialect = chatCompletionsSse }: SseOptions,
): Response {
  const reader = chunks.getReader();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let lastWrite = Date.now();
  let lastTaken = Date.now();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = setInterval(() => {
        // an empty queue means the client took everything; a waiting chunk means it is not reading (no keep-alive then)
        if ((controller.desiredSize ?? 0) > 0) lastTaken = Date.now();
        else if (Date.now() - lastTaken < stalledClientMs) return;
        else {
          clearInterval(keepAlive);
          logger.info("client stopped reading its stream; letting it go", { stalledMs: Date.now() - lastTaken });
          controller.error(new Error("the client stopped reading"));
          void reader.cancel("the client stopped reading").catch(() => {});
          return;
        }
        if (Date.now() - lastWrite < keepAliveMs) return;
        lastWrite = Date.now();
        controller.enqueue(encoder.encode(": keep-alive\n\n"));
      }, Math.max(250, Math.floor(Math.min(keepAliveMs, stalledClientMs) / 3)));
    },
    async pull(controller) {
      lastTaken = Date.now();
      try {
        const { done, value } = await reader.read();
        lastWrite = Date.now();
        if (done) {
          clearInterval(keepAlive);
          if (dialect.end !== null) controller.enqueue(encoder.encode(dialect.end));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(dialect.frame(value)));
        if (dialect.isLast(value)) {
          clearInterval(keepAlive);
          await reader.cancel().catch(() => {});
          controller.close();
        }
      } catch (error) {
        clearInterval(keepAlive);
        const apiError = errorOf(error);
        logger.warn("stream failed after the first byte", { message: apiError.message });
        controller.enqueue(encoder.encode(dialect.failure(apiError)));
        controller.close();
      }
    },
    cancel(reason) {
      clearInterval(keepAlive);
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    },
  });
}
