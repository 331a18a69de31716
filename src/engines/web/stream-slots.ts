/**
 * @module Slots for upstream conversations: at most `overall` at once, and at most `perBucket` per bucket (one pool
 * account, one caller's own token, or no-login mode). A request over a limit waits in a bounded queue for a bounded
 * time, then is refused: 429 when its own bucket is full, 503 when the server is. A freed slot goes to the waiter
 * whose bucket streams the least, so one bucket's slow streams cannot keep the others waiting.
 */
import { ApiError, RateLimitError } from "../../errors.ts";
import { pullThrough, type PullThroughStage } from "../../streams/pull-through.ts";

export interface StreamSlotsOptions {
  /** `MAX_UPSTREAM_STREAMS`. */
  overall: number;
  /** `MAX_STREAMS_PER_ACCOUNT`. */
  perBucket: number;
  /** `STREAM_QUEUE_LENGTH`: requests waiting at once; past it a request is refused at once. */
  queueLength: number;
  /** `STREAM_QUEUE_WAIT_MS`: how long a request waits for a slot before it is refused. */
  maxWaitMs: number;
}

/** Who a slot is for: the bucket's key, and how to name it to the client ("this account", "no-login mode"). */
export interface SlotBucket {
  key: string;
  label: string;
}

export interface StreamSlot {
  /** Gives the slot back; calling it again does nothing. */
  release(): void;
}

interface Waiter {
  bucket: SlotBucket;
  grant(slot: StreamSlot): void;
}

/** What a client is told to wait before retrying: slots free as streams end, usually within seconds. */
const RETRY_AFTER_SEC = 2;

export class StreamSlots {
  readonly options: Readonly<StreamSlotsOptions>;
  private active = 0;
  private readonly perBucket = new Map<string, number>();
  private readonly waiters: Waiter[] = [];

  constructor(options: StreamSlotsOptions) {
    for (const [name, value] of Object.entries(options)) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`StreamSlots ${name} must be a whole number`);
    }
    if (options.overall < 1 || options.perBucket < 1) throw new RangeError("StreamSlots limits must be at least 1");
    this.options = Object.freeze({ ...options });
  }

  /** Streams running and requests waiting, for metrics and tests. */
  stats(): { active: number; waiting: number; buckets: number } {
    return { active: this.active, waiting: this.waiters.length, buckets: this.perBucket.size };
  }

  /** Bucket keys with no free slot: the pool prefers another account over waiting for one of these. */
  saturated(): Set<string> {
    const full = new Set<string>();
    for (const [key, count] of this.perBucket) if (count >= this.options.perBucket) full.add(key);
    return full;
  }

  /** A slot now, or after a wait; refused with a RateLimitError (bucket full) or a 503 (server full). */
  acquire(bucket: SlotBucket, signal?: AbortSignal): Promise<StreamSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.canStart(bucket.key)) return Promise.resolve(this.start(bucket.key));
    const waitingHere = this.waiters.filter((w) => w.bucket.key === bucket.key).length;
    if (this.options.maxWaitMs === 0 || this.waiters.length >= this.options.queueLength || waitingHere >= this.options.perBucket) {
      return Promise.reject(this.refusal(bucket));
    }
    return new Promise<StreamSlot>((resolve, reject) => {
      const onAbort = (): void => {
        settle();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        settle();
        reject(this.refusal(bucket));
      }, this.options.maxWaitMs);
      const waiter: Waiter = {
        bucket,
        grant: (slot) => {
          settle();
          resolve(slot);
        },
      };
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private canStart(key: string): boolean {
    return this.active < this.options.overall && (this.perBucket.get(key) ?? 0) < this.options.perBucket;
  }

  private start(key: string): StreamSlot {
    this.active++;
    this.perBucket.set(key, (this.perBucket.get(key) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        const left = (this.perBucket.get(key) ?? 1) - 1;
        if (left > 0) this.perBucket.set(key, left);
        else this.perBucket.delete(key);
        this.dispatch();
      },
    };
  }

  /** Hands free slots to waiters: among those whose bucket has room, the least busy bucket first, then arrival. */
  private dispatch(): void {
    while (this.active < this.options.overall) {
      let best: Waiter | undefined;
      let bestLoad = Number.POSITIVE_INFINITY;
      // waiters are in arrival order, so the first of the least busy buckets is the one that waited longest
      for (const waiter of this.waiters) {
        const load = this.perBucket.get(waiter.bucket.key) ?? 0;
        if (load < this.options.perBucket && load < bestLoad) {
          best = waiter;
          bestLoad = load;
        }
      }
      if (!best) return;
      best.grant(this.start(best.bucket.key));
    }
  }

  private refusal(bucket: SlotBucket): ApiError {
    const { perBucket, overall } = this.options;
    if ((this.perBucket.get(bucket.key) ?? 0) >= perBucket) {
      return new RateLimitError(
        `${capitalize(bucket.label)} already has ${perBucket} conversations streaming, the most MAX_STREAMS_PER_ACCOUNT allows; try again when one ends.`,
        RETRY_AFTER_SEC,
      );
    }
    return new ApiError(
      503,
      "server_error",
      `The server is already streaming ${overall} conversations, the most MAX_UPSTREAM_STREAMS allows; try again shortly.`,
      { code: "server_overloaded", headers: { "retry-after": String(RETRY_AFTER_SEC) } },
    );
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The stream, unchanged, holding `slot` until it ends however it ends: read to the end, errored, cancelled, or its
 * request aborted. A high-water mark of 0 so nothing is read ahead of the consumer.
 */
export function holdSlotUntilEnd<T>(stream: ReadableStream<T>, slot: StreamSlot, signal?: AbortSignal): ReadableStream<T> {
  return pullThrough(stream, new SlotHold<T>(slot, signal));
}

/** A pass-through stage that releases its slot at the stream's end, its failure, its cancel or the request's abort. */
class SlotHold<T> implements PullThroughStage<T, T> {
  constructor(
    private readonly slot: StreamSlot,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal?.aborted) slot.release();
    else signal?.addEventListener("abort", this, { once: true });
  }

  flush(): void {
    this.release();
  }

  cancel(): void {
    this.release();
  }

  /** The request's abort (an EventListenerObject, so no closure is made for it). */
  handleEvent(): void {
    this.release();
  }

  private release(): void {
    this.signal?.removeEventListener("abort", this);
    this.slot.release();
  }
}
