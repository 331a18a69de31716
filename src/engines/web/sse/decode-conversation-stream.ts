/**
 * @module The conversation response body as a stream of `UpstreamEvent`s: bytes → text → SSE events
 * (eventsource-parser) → the encoding-detecting decoder, in one stream stage.
 *
 * One stage instead of TextDecoderStream → EventSourceParserStream → decoder: every pipe stage costs promises per
 * chunk, TextDecoderStream's typings do not accept `Uint8Array` under TS 5.9, and EventSourceParserStream errors
 * the stream when an event outgrows `maxBufferSize`, where we want an `error` event the translator can report.
 */

import { createParser } from "eventsource-parser";
import type { UpstreamEvent } from "../events.ts";
import { pullThrough } from "../../../streams/pull-through.ts";
import { createConversationDecoder } from "./conversation-decoder.ts";

/**
 * The longest SSE event kept in memory, in characters. A legacy snapshot repeats the whole message (text, citations)
 * so a long answer's events reach hundreds of kilobytes; 8 Mi characters leaves a wide margin while bounding a
 * runaway line.
 */
export const DEFAULT_MAX_SSE_EVENT_SIZE = 8 * 1024 * 1024;

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
}

export function decodeConversationStream(
  body: ReadableStream<Uint8Array>,
  { signal, maxBufferSize = DEFAULT_MAX_SSE_EVENT_SIZE, onSkippedDelta }: DecodeConversationStreamOptions = {},
): ReadableStream<UpstreamEvent> {
  return pullThrough(body, conversationEventTransformer(maxBufferSize, onSkippedDelta), signal ? { signal } : {});
}

function conversationEventTransformer(
  maxBufferSize: number,
  onSkippedDelta: ((reason: string) => void) | undefined,
): Transformer<Uint8Array, UpstreamEvent> {
  // `stream: true` keeps a multibyte character split across chunks until its last byte arrives.
  const text = new TextDecoder();
  const decoder = createConversationDecoder(onSkippedDelta ? { onSkip: onSkippedDelta } : {});
  let output: TransformStreamDefaultController<UpstreamEvent> | undefined;
  const parser = createParser({
    maxBufferSize,
    onEvent(event) {
      for (const decoded of decoder.feed(event)) output?.enqueue(decoded);
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
  return {
    start(controller) {
      output = controller;
    },
    transform(chunk) {
      if (output) parser.feed(text.decode(chunk, { stream: true }));
    },
    flush() {
      if (!output) return;
      // A blank line ends an unterminated last event; chat2api reads lines, so it honours such an event too.
      parser.feed(`${text.decode()}\n\n`);
    },
  };
}
