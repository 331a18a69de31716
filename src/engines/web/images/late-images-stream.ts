/**
 * @module The event stream of a turn whose image finishes after it (web-2026.md §7.2): events pass through as they
 * come; an image task streamed only as its placeholder (no pointer) is remembered, and when the upstream says the turn
 * is over (`[DONE]`, or the stream ending after `message_stream_complete`), the conversation is looked at until the
 * finished message appears. It is then passed on as one more `message` event before `[DONE]`, so the renderer shows
 * and resolves the image as if it had been streamed; a wait that fails becomes an `error` event (a failure after the
 * start). Turns without a pending image are not delayed at all.
 */
import type { UpstreamEvent } from "../events.ts";
import { awaitLateImages, type LateImageWait, type Sleep } from "./await-late-image.ts";
import type { ReadConversationTree } from "./conversation-tree.ts";
import { answersPending, hasImage, type PendingImage, pendingImageOf } from "./image-task.ts";
import { pullThrough, type PullThroughStage } from "../../../streams/pull-through.ts";

export interface LateImagesOptions {
  readTree: ReadConversationTree;
  wait?: Partial<LateImageWait>;
  sleep?: Sleep;
  now?: () => number;
  /** The request's signal: a client that leaves ends the wait. */
  signal?: AbortSignal;
}

export function followLateImages(events: ReadableStream<UpstreamEvent>, options: LateImagesOptions): ReadableStream<UpstreamEvent> {
  // made only for a wait (a turn whose image is still pending), which few turns have: most replies need no signal
  let cancelled: AbortController | null = null;
  const pending: PendingImage[] = [];
  let conversationId: string | null = null;
  let completed = false;
  let settled = false;

  /** Watches a message: a new placeholder is remembered, an image that arrives in the stream after all forgotten. */
  const see = (event: UpstreamEvent): void => {
    if (event.type === "metadata" && event.name === "message_stream_complete") completed = true;
    if (event.type !== "message") return;
    conversationId = event.conversationId ?? conversationId;
    const placeholder = pendingImageOf(event.message);
    if (placeholder && !pending.some((task) => task.messageId === placeholder.messageId)) pending.push(placeholder);
    if (!hasImage(event.message)) return;
    const answered = pending.findIndex((task) => answersPending(event.message, task));
    if (answered >= 0) pending.splice(answered, 1);
  };

  /** The events that settle the pending tasks: their finished messages, or the error that says why not. */
  const settle = async (): Promise<UpstreamEvent[]> => {
    settled = true;
    if (pending.length === 0 || conversationId === null) return [];
    cancelled = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, cancelled.signal]) : cancelled.signal;
    const outcome = await awaitLateImages({
      conversationId,
      pending,
      readTree: options.readTree,
      signal,
      ...(options.wait ? { wait: options.wait } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const cid = conversationId;
    if (outcome.type === "failed") return [{ type: "error", conversationId: cid, message: outcome.message }];
    return outcome.messages.map((message) => ({ type: "message", message, conversationId: cid }));
  };

  const follow: PullThroughStage<UpstreamEvent, UpstreamEvent> = {
    transform(event, controller) {
      see(event);
      // only a turn's end waits (for its images); every other event passes without a promise
      if (event.type !== "done" || settled) return controller.enqueue(event);
      return settle().then((settling) => {
        for (const message of settling) controller.enqueue(message);
        controller.enqueue(event);
      });
    },
    async flush(controller) {
      if (!settled && completed) for (const settling of await settle()) controller.enqueue(settling);
    },
    cancel(reason) {
      cancelled?.abort(reason);
    },
  };
  return pullThrough(events, follow);
}
