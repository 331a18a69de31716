/**
 * @module The Codex engine's events in the one vocabulary every client-facing writer reads (RenderedDelta): the
 * writers of chat chunks, chat completions and Responses events serve both engines unchanged.
 */
import { pullThrough } from "../streams/pull-through.ts";
import type { CodexEvent } from "../engines/codex/events.ts";
import type { RenderedDelta } from "../translate/rendered-delta.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One Codex event as deltas (none for what only the decoder needs). */
export function codexEventToDeltas(event: CodexEvent): RenderedDelta[] {
  switch (event.type) {
    case "start":
      // a Codex reply keeps no conversation upstream (store:false): the response id names the turn
      return [{ type: "start", conversationId: null, messageId: event.responseId }];
    case "content":
    case "reasoning":
    case "refusal":
      return event.text === "" ? [] : [{ type: event.type, text: event.text }];
    case "tool-call-start":
    case "tool-call-delta":
    case "tool-call-end":
      return [event];
    // a finished reasoning item also arrives as an output item: handing it on once is enough
    case "reasoning-item":
      return [];
    case "output-item":
      return isRecord(event.item) ? [{ type: "output-item", item: event.item }] : [];
    case "finish": {
      const { usage } = event;
      return [
        {
          type: "finish",
          reason: event.reason,
          usage: {
            promptTokens: usage.inputTokens,
            cachedTokens: usage.cachedTokens,
            completionTokens: usage.outputTokens,
            reasoningTokens: usage.reasoningTokens,
          },
        },
      ];
    }
    case "failed":
      return [{ type: "failed", message: event.code ? `${event.message} (${event.code})` : event.message }];
    default: {
      const _exhaustiveCheck: never = event;
      return _exhaustiveCheck;
    }
  }
}

/** The Codex event stream as rendered deltas, pull-based like the stream it reads. */
export function codexDeltas(events: ReadableStream<CodexEvent>): ReadableStream<RenderedDelta> {
  return pullThrough(events, {
    transform(event, controller) {
      for (const delta of codexEventToDeltas(event)) controller.enqueue(delta);
    },
  });
}
