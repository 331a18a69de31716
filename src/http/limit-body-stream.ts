/**
 * @module A body passed on as a stream (the gateway forwards it as it arrives) with the size limit on the bytes
 * that flow: the stream errors at the first chunk past the limit, so those bytes never reach where it goes.
 */

import { pullThrough } from "../streams/pull-through.ts";

export interface LimitedBody {
  stream: ReadableStream<Uint8Array>;
  /** True once the limit was passed (the stream has then errored). */
  exceeded(): boolean;
}

export function limitBodyStream(body: ReadableStream<Uint8Array>, maxBytes: number): LimitedBody {
  let total = 0;
  let over = false;
  const stream = pullThrough<Uint8Array, Uint8Array>(body, {
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        over = true;
        controller.error(new Error(`body over ${maxBytes} bytes`));
        return;
      }
      controller.enqueue(chunk);
    },
  });
  return { stream, exceeded: () => over };
}
