/**
 * @module The bytes of a conversation turn, leg after leg (web-2026.md §6.4): the write's HTTP stream, then each leg
 * a handoff continues on, with a {@link LEG_END} after each so the decoder can end a leg's last event before the next
 * leg's first. Which leg comes next is the decoder's to say (it has seen the events): `nextLeg` is asked only after
 * the decoder read the `LEG_END`, as the stream is pull-based. A body that sends nothing for `stallMs` while the
 * stream waits for it is abandoned.
 */
import { UpstreamError } from "../errors.ts";

export const LEG_END = Symbol("leg end");
export type LegChunk = Uint8Array | typeof LEG_END;

export interface JoinLegsOptions {
  /** The next leg, or null when the turn ended with this one. */
  nextLeg: () => Promise<ReadableStream<Uint8Array> | null>;
  stallMs?: number;
}

export function joinLegs(first: ReadableStream<Uint8Array>, { nextLeg, stallMs }: JoinLegsOptions): ReadableStream<LegChunk> {
  let reader = first.getReader();
  let legEnded = false;
  let stall: StallWatch | null = null;
  return new ReadableStream<LegChunk>(
    {
      start(controller) {
        if (stallMs === undefined) return;
        stall = stallWatch(stallMs, () => {
          controller.error(new UpstreamError("stream", `ChatGPT sent nothing for ${stallMs / 1000} s; the stream was abandoned.`));
          reader.cancel().catch(() => {});
        });
      },
      async pull(controller) {
        try {
          if (legEnded) {
            const next = await nextLeg();
            if (next === null) {
              stall?.stop();
              controller.close();
              return;
            }
            reader = next.getReader();
            legEnded = false;
          }
          stall?.waiting(true);
          const read = await reader.read();
          stall?.waiting(false);
          if (read.done) {
            legEnded = true;
            controller.enqueue(LEG_END);
          } else controller.enqueue(read.value);
        } catch (error) {
          stall?.stop();
          controller.error(error instanceof UpstreamError ? error : new UpstreamError("stream", "The ChatGPT stream was cut off.", { cause: error }));
        }
      },
      cancel(reason) {
        stall?.stop();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

interface StallWatch {
  /** The stream is (or is no longer) waiting for the body: only a wait counts towards a stall. */
  waiting(on: boolean): void;
  stop(): void;
}

/**
 * One timer per stream, re-armed only when it fires: a wait only stamps the time, where a timer per read would be
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
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
