/**
 * @module Writes SSE events as a streamed response, with optional delays, a mid-stream cut (the connection drops, no
 * final event), a hold (the stream stays open until released) and each event split across two writes inside a
 * multibyte character when it has one. Events are taken from the iterable one pull at a time, so a long stream is
 * made only as fast as the client reads it.
 */
import type { HoldGate } from "./hold-gate.ts";

export interface SseOptions {
  delayMs: number;
  /** Drop the connection after this many events have been written. */
  cutAfter?: number;
  /** Called once the last event is written (not on a cut or a client abort). */
  onComplete?: () => void;
  /** Hold the stream open at `gate` once this many events have been written. */
  hold?: { after: number; gate: HoldGate };
  /** Told the size of every piece handed to the socket. */
  onBytes?: (bytes: number) => void;
}

/** Splits just after the first byte of a multibyte character (mid-character), else in the middle. */
function splitPoint(bytes: Uint8Array): number {
  const multibyte = bytes.findIndex((byte) => byte >= 0x80);
  return multibyte >= 0 ? multibyte + 1 : Math.floor(bytes.length / 2);
}

const CUT_GRACE_MS = 50;

export function sseResponse(events: Iterable<string>, options: SseOptions): Response {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.iterator]();
  let index = 0;
  let cancelled = false;
  const left = Promise.withResolvers<void>();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (options.cutAfter !== undefined && index >= options.cutAfter) {
        // Let what was written reach the socket first; an error drops whatever is still buffered.
        await Bun.sleep(CUT_GRACE_MS);
        // No reason on purpose: Bun prints an Error reason as if it were unhandled, and the client sees a reset either way.
        controller.error();
        return;
      }
      if (options.hold && index === options.hold.after) await options.hold.gate.hold(left.promise);
      const next = iterator.next();
      if (next.done) {
        controller.close();
        options.onComplete?.();
        return;
      }
      if (index > 0 && options.delayMs > 0) await Bun.sleep(options.delayMs);
      if (cancelled) return;
      index++;
      const bytes = encoder.encode(next.value);
      const at = splitPoint(bytes);
      controller.enqueue(bytes.subarray(0, at));
      controller.enqueue(bytes.subarray(at));
      options.onBytes?.(bytes.length);
    },
    cancel() {
      cancelled = true;
      left.resolve();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
  });
}
