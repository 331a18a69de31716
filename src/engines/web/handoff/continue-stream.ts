/**
 * @module One byte stream out of a handed-off turn (web-2026.md §6.4): the write's HTTP stream passes through event
 * by event; when it ends after a `stream_handoff` without the answer, its `[DONE]` is held back and the next leg
 * (`f/conversation/resume`, or the WebSocket topic) continues the same stream, so the SSE decoder sees one
 * continuous event stream with one `[DONE]`. Nested handoffs repeat, up to a depth (QW-fork caps it at 3).
 */
import { UpstreamError } from "../errors.ts";
import { type Handoff, HandoffWatch } from "./handoff-watch.ts";

/** Opens the next leg of a handed-off turn: the raw SSE bytes of the rest of it. */
export type FollowHandoff = (handoff: Handoff, signal?: AbortSignal) => Promise<ReadableStream<Uint8Array>>;

export interface ContinueOptions {
  follow: FollowHandoff;
  /** Legs after the first one; beyond it the stream fails. */
  maxDepth?: number;
  signal?: AbortSignal;
}

const EVENT_END = /\r\n\r\n|\n\n|\r\r/;

export function continueAfterHandoff(first: ReadableStream<Uint8Array>, options: ContinueOptions): ReadableStream<Uint8Array> {
  const maxDepth = options.maxDepth ?? 3;
  const watch = new HandoffWatch();
  const encoder = new TextEncoder();
  let reader = first.getReader();
  let text = new TextDecoder();
  let buffer = "";
  let depth = 0;
  /** A `[DONE]` that ended a leg while a handoff was pending: released if no further leg comes. */
  let heldDone: string | null = null;

  /**
   * Passes each complete event of `buffer` on, holding back a `[DONE]` that only ends the handoff's leg; says whether
   * it enqueued anything (a pull that enqueues nothing is not called again, so it must read on).
   */
  const drain = (controller: ReadableStreamDefaultController<Uint8Array>, atEnd: boolean): boolean => {
    const out: string[] = [];
    for (let match = EVENT_END.exec(buffer); match; match = EVENT_END.exec(buffer)) {
      const block = buffer.slice(0, match.index + match[0].length);
      buffer = buffer.slice(block.length);
      if (block.trim() === "") continue;
      const role = watch.see(block);
      if (role === "done" && watch.pending) heldDone = block;
      else out.push(block);
    }
    if (atEnd && buffer.trim() !== "") {
      // an unterminated last event must not run into the next leg's first one
      const block = `${buffer}\n\n`;
      buffer = "";
      if (watch.see(block) === "done" && watch.pending) heldDone = block;
      else out.push(block);
    }
    if (out.length > 0) controller.enqueue(encoder.encode(out.join("")));
    return out.length > 0;
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (!done) {
          buffer += text.decode(value, { stream: true });
          if (drain(controller, false)) return;
          continue;
        }
        buffer += text.decode();
        drain(controller, true);
        const handoff = watch.pending;
        if (!handoff) {
          if (heldDone) controller.enqueue(encoder.encode(heldDone));
          controller.close();
          return;
        }
        if (depth >= maxDepth) {
          controller.error(new UpstreamError("stream", `ChatGPT handed the answer off ${depth + 1} times; gave up following it.`));
          return;
        }
        depth++;
        heldDone = null;
        try {
          reader = (await options.follow(handoff, options.signal)).getReader();
        } catch (error) {
          controller.error(error instanceof UpstreamError ? error : new UpstreamError("stream", "ChatGPT handed the answer off and it could not be followed.", { cause: error }));
          return;
        }
        text = new TextDecoder();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
