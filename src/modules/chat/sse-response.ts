/**
 * @module Writes a chunk stream as OpenAI's SSE: one `data: <json>` line per chunk, `data: [DONE]`, then the
 * response closes. Idle gaps get `: keep-alive` comments (reasoning models think for minutes); a failure after the
 * first byte becomes one `data: {"error":…}` event before the close.
 */
import { ApiError, InternalError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { UpstreamError } from "../../upstream/errors.ts";
import { toApiError } from "./upstream-failure.ts";

const encoder = new TextEncoder();

function frame(payload: string): Uint8Array {
  return encoder.encode(`data: ${payload}\n\n`);
}

function errorOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamError) return toApiError(error, false);
  return new InternalError();
}

export interface SseOptions {
  headers: Record<string, string>;
  keepAliveMs?: number;
  logger: Logger;
}

export function sseResponse(chunks: ReadableStream<object>, { headers, keepAliveMs = 15_000, logger }: SseOptions): Response {
  const reader = chunks.getReader();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let lastWrite = Date.now();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = setInterval(() => {
        if (Date.now() - lastWrite < keepAliveMs) return;
        lastWrite = Date.now();
        controller.enqueue(encoder.encode(": keep-alive\n\n"));
      }, Math.max(250, Math.floor(keepAliveMs / 3)));
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        lastWrite = Date.now();
        if (done) {
          clearInterval(keepAlive);
          controller.enqueue(frame("[DONE]"));
          controller.close();
          return;
        }
        controller.enqueue(frame(JSON.stringify(value)));
        if ("error" in value) {
          // an in-stream error is the last event: no [DONE] after it, so no client mistakes it for an answer
          clearInterval(keepAlive);
          await reader.cancel().catch(() => {});
          controller.close();
        }
      } catch (error) {
        clearInterval(keepAlive);
        const apiError = errorOf(error);
        logger.warn("stream failed after the first byte", { message: apiError.message });
        controller.enqueue(frame(JSON.stringify(apiError.toJSON())));
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
