/**
 * @module Waiting for images that finish after the stream (web-2026.md §7.2 items 2-3): the conversation is looked at
 * until every pending image task shows its image (or its failure), with backoff, within a bound. The first look waits
 * past the moment right after a stream when the backend answers 429; a 429, 5xx or network failure only costs a look;
 * a refusal (401, 403, 404) ends the wait at once. Peers wait 90 s (AU: 45×2 s) to 180 s (OR); the default is 180 s.
 */
import type { UpstreamMessage } from "../events.ts";
import { pause as realPause } from "../files.ts";
import type { ReadConversationTree } from "./conversation-tree.ts";
import { answersPending, hasImage, imageTaskFailure, type PendingImage } from "./image-task.ts";

export interface LateImageWait {
  /** The whole wait, counted from the end of the stream. */
  timeoutMs: number;
  /** Before the first look: past the ~200 ms in which the backend refuses a look right after the stream. */
  firstDelayMs: number;
  /** Each later pause is this many times the one before… */
  factor: number;
  /** …up to this. */
  maxDelayMs: number;
  /** Looks at most, whatever the time. */
  maxLooks: number;
}

export const DEFAULT_LATE_IMAGE_WAIT: LateImageWait = { timeoutMs: 180_000, firstDelayMs: 500, factor: 1.5, maxDelayMs: 5_000, maxLooks: 80 };

/** Resolves after `ms`, rejects with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface AwaitLateImagesInput {
  conversationId: string;
  pending: readonly PendingImage[];
  readTree: ReadConversationTree;
  wait?: Partial<LateImageWait>;
  sleep?: Sleep;
  now?: () => number;
  signal?: AbortSignal;
}

export type LateImagesOutcome =
  /** The finished messages, one per pending task, in the order asked. */
  | { type: "finished"; messages: UpstreamMessage[]; looks: number }
  /** Why there is no image: the wait ran out, the look was refused, or the task failed. */
  | { type: "failed"; message: string; looks: number };

function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}

/** The message that settles `pending` (its image, or its failure), if the tree has it yet. */
function settling(messages: readonly UpstreamMessage[], pending: PendingImage): UpstreamMessage | undefined {
  return messages.find((message) => answersPending(message, pending) && (hasImage(message) || imageTaskFailure(message) !== null));
}

/** Looks until every task is settled; throws only when `signal` aborts. */
export async function awaitLateImages(input: AwaitLateImagesInput): Promise<LateImagesOutcome> {
  const wait = { ...DEFAULT_LATE_IMAGE_WAIT, ...input.wait };
  const sleep = input.sleep ?? realPause;
  const now = input.now ?? Date.now;
  const deadline = now() + wait.timeoutMs;
  const settled = new Map<PendingImage, UpstreamMessage>();
  /** The backoff sequence; a Retry-After only stretches the one pause it answers. */
  let pause = wait.firstDelayMs;
  let next = pause;
  let looks = 0;
  let lastTrouble = "";
  for (;;) {
    const left = deadline - now();
    if (left <= 0 || looks >= wait.maxLooks) {
      const trouble = lastTrouble ? `; the last look said: ${lastTrouble}` : "";
      const message = `The image ChatGPT was generating was not ready after ${seconds(wait.timeoutMs)} s (${looks} looks at the conversation${trouble})`;
      return { type: "failed", message, looks };
    }
    await sleep(Math.min(next, left), input.signal);
    looks++;
    const look = await input.readTree(input.conversationId, input.signal);
    pause = Math.min(pause * wait.factor, wait.maxDelayMs);
    next = pause;
    if (look.type === "refused") return { type: "failed", message: `Waiting for the generated image failed: ${look.error.message}`, looks };
    if (look.type === "again") {
      lastTrouble = look.reason;
      next = Math.max(pause, look.retryAfterMs ?? 0);
      continue;
    }
    lastTrouble = "";
    for (const task of input.pending) {
      const found = settled.has(task) ? undefined : settling(look.messages, task);
      if (found) settled.set(task, found);
    }
    if (settled.size < input.pending.length) continue;
    const messages = input.pending.map((task) => settled.get(task) as UpstreamMessage);
    const failure = messages.map(imageTaskFailure).find((reason): reason is string => reason !== null);
    if (failure && !messages.some(hasImage)) return { type: "failed", message: `ChatGPT's image task ended without an image: ${failure}`, looks };
    return { type: "finished", messages, looks };
  }
}
