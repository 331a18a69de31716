/**
 * @module The conversation response body as a stream of `UpstreamEvent`s: bytes → text → SSE events
 * (eventsource-parser) → the encoding-detecting decoder, in one stage over the turn's legs (join-legs.ts: the write's
 * body, then the legs a handoff continues on, web-2026.md §6.4; a body gone silent is abandoned there).
 *
 * One stage instead of TextDecoderStream → EventSourceParserStream → decoder: every pipe stage costs promises per
 * chunk, TextDecoderStream's typings do not accept `Uint8Array` under TS 5.9, and EventSourceParserStream errors
 * the stream when an event outgrows `maxBufferSize`, where we want an `error` event the translator can report. The
 * handoff watch reads the parsed events here rather than re-splitting the bytes in a stage of its own.
 */

import { createParser, type EventSourceMessage } from "eventsource-parser";
import { UpstreamError } from "../errors.ts";
import type { UpstreamEvent } from "../events.ts";
import type { FollowHandoff } from "../handoff/follow-handoff.ts";
import { HandoffWatch } from "../handoff/handoff-watch.ts";
import { pullThrough } from "../../../streams/pull-through.ts";
import { createConversationDecoder } from "./conversation-decoder.ts";
import { joinLegs, LEG_END, type LegChunk } from "./join-legs.ts";

/**
 * The longest SSE event kept in memory, in characters. A legacy snapshot repeats the whole message (text, citations)
 * so a long answer's events reach hundreds of kilobytes; 8 Mi characters leaves a wide margin while bounding a
 * runaway line.
 */
export const DEFAULT_MAX_SSE_EVENT_SIZE = 8 * 1024 * 1024;

/** Legs after the first one a handed-off turn may take; beyond it the stream fails (QW-fork caps it at 3). */
export const DEFAULT_MAX_HANDOFFS = 3;

export interface DecodeConversationStreamOptions {
  /** Aborting cancels `body` and errors the returned stream with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Characters of an unfinished SSE event held across chunks; beyond it the stream ends with an `error` event and
   * the body is cancelled. (A chunk is parsed as it comes, so only what waits for a later chunk counts.)
   */
  maxBufferSize?: number;
  /** Told why each malformed v1 delta was skipped (operation and path, never a value), for logs. */
  onSkippedDelta?: (reason: string) => void;
  /**
   * Opens the next leg of a handed-off turn. With it, a leg that ends after a `stream_handoff` without the answer
   * has its `[DONE]` held back and the next leg continues the same stream, so the events read as one stream with one
   * `[DONE]`. Without it, events pass as they come.
   */
  follow?: FollowHandoff;
  /** Legs after the first one; beyond it the stream fails. */
  maxHandoffs?: number;
  /** A body that sends nothing for this long while the stream waits for it is abandoned with a stream error. */
  stallMs?: number;
}

export function decodeConversationStream(body: ReadableStream<Uint8Array>, options: DecodeConversationStreamOptions = {}): ReadableStream<UpstreamEvent> {
  const { signal, maxBufferSize = DEFAULT_MAX_SSE_EVENT_SIZE, onSkippedDelta, follow, maxHandoffs = DEFAULT_MAX_HANDOFFS, stallMs } = options;
  const watch = follow ? new HandoffWatch() : null;
  let handoffs = 0;
  const decoding = conversationEventTransformer({ maxBufferSize, onSkippedDelta, watch });
  /** Asked once the decoder has read a leg's end: the leg a waiting handoff continues on, else the end. */
  const nextLeg = async (): Promise<ReadableStream<Uint8Array> | null> => {
    const handoff = watch?.pending;
    if (!handoff || !follow) return null;
    if (handoffs >= maxHandoffs) throw new UpstreamError("stream", `ChatGPT handed the answer off ${handoffs + 1} times; gave up following it.`);
    handoffs++;
    decoding.leg();
    try {
      return await follow(handoff, signal);
    } catch (error) {
      throw error instanceof UpstreamError ? error : new UpstreamError("stream", "ChatGPT handed the answer off and it could not be followed.", { cause: error });
    }
  };
  const legs = joinLegs(body, { nextLeg, ...(stallMs !== undefined ? { stallMs } : {}) });
  return pullThrough(legs, decoding.transformer, signal ? { signal } : {});
}

interface DecodingOptions {
  maxBufferSize: number;
  onSkippedDelta: ((reason: string) => void) | undefined;
  /** Watches for handoffs when the stream follows them: a leg's `[DONE]` is held while one waits. */
  watch: HandoffWatch | null;
}

function conversationEventTransformer({ maxBufferSize, onSkippedDelta, watch }: DecodingOptions): {
  transformer: Transformer<LegChunk, UpstreamEvent>;
  /** A further leg is being followed: the `[DONE]` held from the last one is dropped. */
  leg(): void;
} {
  // `stream: true` keeps a multibyte character split across chunks until its last byte arrives; one per leg
  let text = new TextDecoder();
  const decoder = createConversationDecoder(onSkippedDelta ? { onSkip: onSkippedDelta } : {});
  let output: TransformStreamDefaultController<UpstreamEvent> | undefined;
  /** A `[DONE]` that ended a leg while a handoff was pending: released if no further leg comes. */
  let heldDone: EventSourceMessage | null = null;
  const emit = (event: EventSourceMessage): void => {
    for (const decoded of decoder.feed(event)) output?.enqueue(decoded);
  };
  const parser = createParser({
    maxBufferSize,
    onEvent(event) {
      if (watch && watch.see(event.data) === "done" && watch.pending) heldDone = event;
      else emit(event);
    },
    onError(error) {
      // Unknown fields and bad `retry` values are harmless; only an overflow stops the stream.
      if (error.type !== "max-buffer-size-exceeded") return;
      output?.enqueue({
        type: "error",
        conversationId: decoder.conversationId,
        message: `the upstream sent an SSE event longer than ${maxBufferSize} characters`,
      });
      output?.terminate();
      output = undefined;
    },
  });
  const transformer: Transformer<LegChunk, UpstreamEvent> = {
    start(controller) {
      output = controller;
    },
    transform(chunk) {
      if (!output) return;
      if (chunk !== LEG_END) {
        parser.feed(text.decode(chunk, { stream: true }));
        return;
      }
      // A blank line ends an unterminated last event; chat2api reads lines, so it honours such an event too (and it
      // must not run into the next leg's first one).
      parser.feed(`${text.decode()}\n\n`);
      text = new TextDecoder();
    },
    flush() {
      if (output && heldDone) emit(heldDone);
    },
  };
  return {
    transformer,
    leg() {
      heldDone = null;
    },
  };
}
