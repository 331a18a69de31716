/**
 * @module The conversation response body as a stream of `UpstreamEvent`s: bytes → text → SSE events
 * (eventsource-parser) → the encoding-detecting decoder, in one stream stage that also follows a handed-off turn's
 * next legs (web-2026.md §6.4) and abandons a body gone silent.
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
import { createConversationDecoder } from "./conversation-decoder.ts";

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
  const decoder = createConversationDecoder(onSkippedDelta ? { onSkip: onSkippedDelta } : {});
  const watch = follow ? new HandoffWatch() : null;
  let reader = body.getReader();
  // `stream: true` keeps a multibyte character split across chunks until its last byte arrives; one per leg
  let text = new TextDecoder();
  let output!: ReadableStreamDefaultController<UpstreamEvent>;
  /** Closed, errored or cancelled: nothing more is read or written. */
  let finished = false;
  let enqueued = false;
  let handoffs = 0;
  /** A `[DONE]` that ended a leg while a handoff was pending: released if no further leg comes. */
  let heldDone: EventSourceMessage | null = null;

  const emit = (event: EventSourceMessage): void => {
    for (const decoded of decoder.feed(event)) {
      output.enqueue(decoded);
      enqueued = true;
    }
  };
  const stopReading = (reason?: unknown): void => {
    finished = true;
    stall?.stop();
    signal?.removeEventListener("abort", onAbort);
    reader.cancel(reason).catch(() => {});
  };
  const fail = (reason: unknown): void => {
    if (finished) return;
    output.error(reason);
    stopReading(reason);
  };
  function onAbort(): void {
    fail(signal?.reason);
  }
  const stall = stallMs === undefined ? null : stallWatch(stallMs, () => fail(new UpstreamError("stream", `ChatGPT sent nothing for ${stallMs / 1000} s; the stream was abandoned.`)));

  const parser = createParser({
    maxBufferSize,
    onEvent(event) {
      if (finished) return;
      if (watch && watch.see(event.data) === "done" && watch.pending) heldDone = event;
      else emit(event);
    },
    onError(error) {
      // Unknown fields and bad `retry` values are harmless; only an overflow stops the stream.
      if (error.type !== "max-buffer-size-exceeded" || finished) return;
      output.enqueue({ type: "error", conversationId: decoder.conversationId, message: `the upstream sent an SSE event longer than ${maxBufferSize} characters` });
      output.close();
      stopReading();
    },
  });

  /** The current leg ended: the next one when a handoff waits for its answer, else the end of the stream. */
  const endOfLeg = async (): Promise<void> => {
    // A blank line ends an unterminated last event; chat2api reads lines, so it honours such an event too (and it
    // must not run into the next leg's first one).
    parser.feed(`${text.decode()}\n\n`);
    if (finished) return;
    const handoff = watch?.pending;
    if (!handoff || !follow) {
      if (heldDone) emit(heldDone);
      finished = true;
      stall?.stop();
      signal?.removeEventListener("abort", onAbort);
      output.close();
      return;
    }
    if (handoffs >= maxHandoffs) {
      fail(new UpstreamError("stream", `ChatGPT handed the answer off ${handoffs + 1} times; gave up following it.`));
      return;
    }
    handoffs++;
    heldDone = null;
    try {
      reader = (await follow(handoff, signal)).getReader();
    } catch (error) {
      fail(error instanceof UpstreamError ? error : new UpstreamError("stream", "ChatGPT handed the answer off and it could not be followed.", { cause: error }));
      return;
    }
    // cancelled or aborted while the next leg was opening
    if (finished) reader.cancel().catch(() => {});
    text = new TextDecoder();
  };

  return new ReadableStream<UpstreamEvent>(
    {
      start(readable) {
        output = readable;
        if (signal?.aborted) fail(signal.reason);
        else signal?.addEventListener("abort", onAbort, { once: true });
      },
      async pull() {
        // a pull that enqueues nothing is not called again: read on until an event comes out or the stream ends
        enqueued = false;
        stall?.waiting(true);
        try {
          while (!enqueued && !finished) {
            const next = await reader.read();
            if (finished) return;
            stall?.heard();
            if (next.done) await endOfLeg();
            else parser.feed(text.decode(next.value, { stream: true }));
          }
        } catch (error) {
          fail(error instanceof UpstreamError ? error : new UpstreamError("stream", "The ChatGPT stream was cut off.", { cause: error }));
        } finally {
          stall?.waiting(false);
        }
      },
      cancel(reason) {
        finished = true;
        stall?.stop();
        signal?.removeEventListener("abort", onAbort);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

interface StallWatch {
  /** The stream is (or is no longer) waiting for the body: only a wait counts towards a stall. */
  waiting(on: boolean): void;
  /** The body sent something. */
  heard(): void;
  stop(): void;
}

/**
 * One timer per stream, re-armed only when it fires: a chunk only stamps the time, where a timer per read would be
 * set and cleared for every chunk of every stream.
 */
function stallWatch(stallMs: number, onStall: () => void): StallWatch {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let waitingSince = 0;
  let isWaiting = false;
  let stopped = false;
  const arm = (delay: number): void => {
    timer = setTimeout(check, delay);
    // a stalled stream must not keep the process alive on its own
    (timer as { unref?: () => void }).unref?.();
  };
  function check(): void {
    timer = null;
    if (stopped || !isWaiting) return;
    const silent = performance.now() - waitingSince;
    if (silent >= stallMs) onStall();
    else arm(stallMs - silent);
  }
  return {
    waiting(on) {
      isWaiting = on;
      if (on) waitingSince = performance.now();
      if (on && timer === null && !stopped) arm(stallMs);
    },
    heard() {
      waitingSince = performance.now();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
