/**
 * @module The Responses API's SSE dialect: `event: <type>` + `data: <json>` per event, no `[DONE]` (the real API
 * sends none; clients finish on the close). A failure no event carried becomes a spec `error` event numbered after
 * the last one written.
 */
import type { ApiError } from "../../errors.ts";
import { isFinalResponseEvent, type ResponseEvent, type ResponseStreamErrorEvent } from "../../translate/to-responses-events.ts";
import type { SseDialect } from "../../http/sse-response.ts";

const named = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** One dialect per stream: it remembers the last sequence number it wrote. */
export function responsesSse(): SseDialect {
  let next = 0;
  return {
    frame(item) {
      const event = item as ResponseEvent;
      next = event.sequence_number + 1;
      return named(event.type, event);
    },
    end: null,
    isLast: (item) => isFinalResponseEvent(item as ResponseEvent),
    failure(error: ApiError) {
      const { message, code, param } = error;
      const event: ResponseStreamErrorEvent = { type: "error", code, message, param, sequence_number: next, error: { type: error.type, code, message, param } };
      return named("error", event);
    },
  };
}
