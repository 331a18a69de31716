/**
 * @module The reply as the client reads it, watched on its way: every delta is seen (and may be amended, e.g. with
 * counts), and the end is told once, however it comes: 200 when the stream ends well, 502 when it failed after the
 * start or broke, 499 when the client went away. A stage of the reply's pipeline (pullThrough): nothing is read ahead
 * of the client.
 */
import { pullThrough, type PullThroughStage } from "../streams/pull-through.ts";
import type { RenderedDelta } from "../translate/rendered-delta.ts";

export interface ReplyWatch {
  see(delta: RenderedDelta): RenderedDelta | Promise<RenderedDelta>;
  end(status: 200 | 499 | 502): void;
  /** An error the upstream stream threw, as the client should see it. */
  clientError(error: unknown): unknown;
}

export function watchReply(deltas: ReadableStream<RenderedDelta>, watch: ReplyWatch): ReadableStream<RenderedDelta> {
  return pullThrough(deltas, new ReplyWatchStage(watch));
}

class ReplyWatchStage implements PullThroughStage<RenderedDelta, RenderedDelta> {
  private failed = false;
  private ended = false;

  constructor(private readonly watch: ReplyWatch) {}

  transform(delta: RenderedDelta, controller: TransformStreamDefaultController<RenderedDelta>): void | Promise<void> {
    if (delta.type === "failed") this.failed = true;
    let seen: RenderedDelta | Promise<RenderedDelta>;
    try {
      seen = this.watch.see(delta);
    } catch (error) {
      throw this.broke(error);
    }
    if (!(seen instanceof Promise)) return controller.enqueue(seen);
    return seen.then(
      (amended) => controller.enqueue(amended),
      (error: unknown) => {
        throw this.broke(error);
      },
    );
  }

  flush(): void {
    this.end(this.failed ? 502 : 200);
  }

  /** An error from the upstream side: the reply broke. */
  mapError(error: unknown): unknown {
    return this.broke(error);
  }

  /** The reply broke, upstream or in the watch itself: a 502, and the error as the client should see it. */
  private broke(error: unknown): unknown {
    this.end(502);
    return this.watch.clientError(error);
  }

  /** Cancelled without an error on its way here: the client went away (or a later stage gave up on it). */
  cancel(): void {
    this.end(499);
  }

  private end(status: 200 | 499 | 502): void {
    if (this.ended) return;
    this.ended = true;
    this.watch.end(status);
  }
}
