/**
 * @module The Codex SSE body as a ReadableStream of CodexEvents: bytes → text → SSE events (eventsource-parser) →
 * the decoder core. Pull-based: the body is read only when the consumer asks for an event, so a slow client slows
 * the upstream instead of filling memory.
 *
 * A failure before `start` errors the stream with a CodexError (the caller can still answer with a real status);
 * after `start` it is a `failed` event. The body is parsed as SSE whatever its Content-Type says (since mid-2026 the
 * backend may send none, §4.1).
 */
import { createParser } from "eventsource-parser";
import { CodexError } from "./errors.ts";
import type { CodexEvent } from "./events.ts";
import { codexErrorFromFailure } from "./failure-error.ts";
import { createCodexStreamDecoder } from "./stream-decoder.ts";

/**
 * The longest SSE event held in memory, in characters. `output_item.done` repeats a whole item (a long answer, an
 * encrypted reasoning blob, a generated image in base64), so the margin is wide.
 */
export const DEFAULT_MAX_CODEX_EVENT_SIZE = 16 * 1024 * 1024;

export interface DecodeCodexStreamOptions {
  /** The request's signal: when it aborts, the stream errors with its reason rather than a network error. */
  signal?: AbortSignal;
  maxEventSize?: number;
  /** Clock for resets in errors (epoch ms). */
  now?: () => number;
}

export function decodeCodexStream(
  body: ReadableStream<Uint8Array>,
  { signal, maxEventSize = DEFAULT_MAX_CODEX_EVENT_SIZE, now = Date.now }: DecodeCodexStreamOptions = {},
): ReadableStream<CodexEvent> {
  const reader = body.getReader();
  const text = new TextDecoder();
  const decoder = createCodexStreamDecoder();
  const pending: CodexEvent[] = [];
  let bodyDone = false;
  const parser = createParser({
    maxBufferSize: maxEventSize,
    onEvent(event) {
      pending.push(...decoder.feed(event.data, event.event));
    },
    onError(error) {
      // Unknown fields and bad `retry` values are harmless; only an overflow stops the stream.
      if (error.type === "max-buffer-size-exceeded") pending.push(...decoder.close(`The Codex backend sent an SSE event longer than ${maxEventSize} characters`));
    },
  });

  function release(): void {
    bodyDone = true;
    reader.cancel().catch(() => {});
  }

  /** Reads until the decoder has something to say or the body ends. */
  async function fill(): Promise<void> {
    while (pending.length === 0 && !decoder.finished && !bodyDone) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!decoder.started) throw new CodexError("network", "The connection to the Codex backend broke before the stream began", { cause: error });
        pending.push(...decoder.close("The connection to the Codex backend broke mid-stream"));
        bodyDone = true;
        return;
      }
      if (chunk.done) {
        bodyDone = true;
        // A blank line ends an unterminated last event.
        parser.feed(`${text.decode()}\n\n`);
        pending.push(...decoder.close());
      } else {
        parser.feed(text.decode(chunk.value, { stream: true }));
      }
    }
  }

  return new ReadableStream<CodexEvent>(
    {
      async pull(controller) {
        await fill();
        if (decoder.finished && !decoder.started) {
          const failure = decoder.failure;
          release();
          // An uncoded failure is our own finding (a cut, a malformed event): its message says it all.
          controller.error(failure?.code ? codexErrorFromFailure(failure, now()) : new CodexError("stream", failure?.message ?? "The Codex backend ended the stream before it began"));
          return;
        }
        for (const event of pending.splice(0)) controller.enqueue(event);
        if (decoder.finished) {
          // Nothing follows a terminal event; stop the upstream instead of draining it.
          if (!bodyDone) release();
          controller.close();
        }
      },
      cancel(reason) {
        bodyDone = true;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
