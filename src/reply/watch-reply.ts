/**
 * @module The reply as the client reads it, watched on its way: every delta is seen (and may be amended, e.g. with
 * counts), and the end is told once, however it comes: 200 when the stream ends well, 502 when it failed after the
 * start or broke, 499 when the client went away. Pull-based: nothing is read ahead of the client.
 */
import type { RenderedDelta } from "../translate/rendered-delta.ts";

export interface ReplyWatch {
  see(delta: RenderedDelta): RenderedDelta | Promise<RenderedDelta>;
  end(status: 200 | 499 | 502): void;
  /** An error the upstream stream threw, as the client should see it. */
  clientError(error: unknown): unknown;
}

export function watchReply(deltas: ReadableStream<RenderedDelta>, watch: ReplyWatch): ReadableStream<RenderedDelta> {
  const reader = deltas.getReader();
  let failed = false;
  let ended = false;
  const end = (status: 200 | 499 | 502): void => {
    if (ended) return;
    ended = true;
    watch.end(status);
  };
  return new ReadableStream<RenderedDelta>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            end(failed ? 502 : 200);
            controller.close();
            return;
          }
          if (value.type === "failed") failed = true;
          controller.enqueue(await watch.see(value));
        } catch (error) {
          end(502);
          controller.error(watch.clientError(error));
        }
      },
      cancel(reason) {
        end(499);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
