import { describe, expect, test } from "bun:test";
import { ApiError, RateLimitError } from "../../errors.ts";
import { holdSlotUntilEnd, type SlotBucket, type StreamSlot, StreamSlots } from "./stream-slots.ts";

const bucket = (key: string): SlotBucket => ({ key, label: `bucket ${key}` });

function slots(overrides: Partial<ConstructorParameters<typeof StreamSlots>[0]> = {}): StreamSlots {
  return new StreamSlots({ overall: 4, perBucket: 2, queueLength: 4, maxWaitMs: 60_000, ...overrides });
}

async function refusalOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe("StreamSlots", () => {
  test("grants up to the per-bucket limit, then a full bucket with no wait is a 429 with Retry-After", async () => {
    const limiter = slots({ maxWaitMs: 0 });
    await limiter.acquire(bucket("a"));
    await limiter.acquire(bucket("a"));
    const error = await refusalOf(limiter.acquire(bucket("a")));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.status).toBe(429);
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers["retry-after"]).toBe("2");
    expect(error.message).toContain("Bucket a already has 2 conversations streaming");
    // another bucket is not affected
    await limiter.acquire(bucket("b"));
    expect(limiter.stats()).toEqual({ active: 3, waiting: 0, buckets: 2 });
    expect([...limiter.saturated()]).toEqual(["a"]);
  });

  test("a full server is a 503 server_overloaded, even for a bucket with room", async () => {
    const limiter = slots({ maxWaitMs: 0 });
    for (const key of ["a", "a", "b", "b"]) await limiter.acquire(bucket(key));
    const error = await refusalOf(limiter.acquire(bucket("c")));
    expect(error.status).toBe(503);
    expect(error.code).toBe("server_overloaded");
    expect(error.headers["retry-after"]).toBe("2");
  });

  test("a waiter gets the slot its bucket frees", async () => {
    const limiter = slots();
    const first = await limiter.acquire(bucket("a"));
    await limiter.acquire(bucket("a"));
    const waiting = limiter.acquire(bucket("a"));
    expect(limiter.stats().waiting).toBe(1);
    first.release();
    const granted = await waiting;
    expect(limiter.stats()).toEqual({ active: 2, waiting: 0, buckets: 1 });
    granted.release();
    granted.release(); // twice is harmless
    expect(limiter.stats().active).toBe(1);
  });

  test("the wait is bounded: refused with the reason that still holds when it ends", async () => {
    const limiter = slots({ maxWaitMs: 30 });
    await limiter.acquire(bucket("a"));
    await limiter.acquire(bucket("a"));
    const error = await refusalOf(limiter.acquire(bucket("a")));
    expect(error.status).toBe(429);
    expect(limiter.stats().waiting).toBe(0);
  });

  test("the queue is bounded overall and per bucket: past it, refused at once", async () => {
    const limiter = slots({ overall: 2, perBucket: 1, queueLength: 3, maxWaitMs: 1_000 });
    const first = await limiter.acquire(bucket("a"));
    const second = await limiter.acquire(bucket("b"));
    // bucket a may queue one request (its own limit), no more
    const queuedA = limiter.acquire(bucket("a"));
    expect((await refusalOf(limiter.acquire(bucket("a")))).status).toBe(429);
    const queuedC = limiter.acquire(bucket("c"));
    const queuedD = limiter.acquire(bucket("d"));
    expect(limiter.stats().waiting).toBe(3);
    expect((await refusalOf(limiter.acquire(bucket("e")))).status).toBe(503);
    expect(limiter.stats().waiting).toBe(3);
    first.release();
    second.release();
    // a's and c's turn (d waits for the next free slot)
    await Promise.all([queuedA, queuedC]);
    expect(limiter.stats()).toEqual({ active: 2, waiting: 1, buckets: 2 });
    void queuedD.catch(() => {});
  });

  test("fairness: a freed slot goes to the least busy bucket, not to the one that queued first", async () => {
    const limiter = slots({ overall: 3, perBucket: 3, queueLength: 10 });
    const busy = [await limiter.acquire(bucket("busy")), await limiter.acquire(bucket("busy"))];
    const other = await limiter.acquire(bucket("other"));
    const order: string[] = [];
    const busyWaiter = limiter.acquire(bucket("busy")).then((slot) => (order.push("busy"), slot));
    const quietWaiter = limiter.acquire(bucket("quiet")).then((slot) => (order.push("quiet"), slot));
    busy[0]?.release();
    const quiet = await quietWaiter;
    expect(order).toEqual(["quiet"]);
    other.release();
    await busyWaiter;
    expect(order).toEqual(["quiet", "busy"]);
    quiet.release();
  });

  test("an aborted wait leaves the queue and is rejected with the signal's reason", async () => {
    const limiter = slots({ overall: 1 });
    const held = await limiter.acquire(bucket("a"));
    const controller = new AbortController();
    const waiting = limiter.acquire(bucket("b"), controller.signal);
    controller.abort(new Error("client left"));
    expect(waiting).rejects.toThrow("client left");
    expect(limiter.stats().waiting).toBe(0);
    held.release();
    expect(limiter.stats().active).toBe(0);
  });

  test("refuses nonsense limits", () => {
    expect(() => slots({ overall: 0 })).toThrow(RangeError);
    expect(() => slots({ perBucket: 1.5 })).toThrow(RangeError);
  });
});

describe("holdSlotUntilEnd", () => {
  function counted(): { limiter: StreamSlots; slot: () => Promise<StreamSlot> } {
    const limiter = slots();
    return { limiter, slot: () => limiter.acquire(bucket("a")) };
  }

  function source(values: number[], fail?: Error): ReadableStream<number> {
    let i = 0;
    return new ReadableStream<number>(
      {
        pull(controller) {
          const value = values[i++];
          if (value !== undefined) controller.enqueue(value);
          else if (fail) controller.error(fail);
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
  }

  test("released when the stream is read to its end, not before", async () => {
    const { limiter, slot } = counted();
    const reader = holdSlotUntilEnd(source([1, 2]), await slot()).getReader();
    expect((await reader.read()).value).toBe(1);
    expect((await reader.read()).value).toBe(2);
    expect(limiter.stats().active).toBe(1);
    expect((await reader.read()).done).toBe(true);
    expect(limiter.stats().active).toBe(0);
  });

  test("released when the stream errors", async () => {
    const { limiter, slot } = counted();
    const reader = holdSlotUntilEnd(source([1], new Error("cut")), await slot()).getReader();
    await reader.read();
    expect(reader.read()).rejects.toThrow("cut");
    await reader.closed.catch(() => {});
    expect(limiter.stats().active).toBe(0);
  });

  test("released when the consumer cancels, and the cancel reaches the source", async () => {
    const { limiter, slot } = counted();
    const cancelled = Promise.withResolvers<unknown>();
    const upstream = new ReadableStream<number>({ pull: (c) => c.enqueue(1), cancel: (reason) => cancelled.resolve(reason) }, { highWaterMark: 0 });
    const held = holdSlotUntilEnd(upstream, await slot());
    const reader = held.pipeThrough(new TransformStream<number, number>()).getReader();
    await reader.read();
    await reader.cancel("client left");
    // the pipe passes the cancel on asynchronously
    expect(await cancelled.promise).toBe("client left");
    expect(limiter.stats().active).toBe(0);
  });

  test("released when the request's signal aborts, even with nobody reading", async () => {
    const { limiter, slot } = counted();
    const controller = new AbortController();
    holdSlotUntilEnd(source([1]), await slot(), controller.signal);
    expect(limiter.stats().active).toBe(1);
    controller.abort();
    expect(limiter.stats().active).toBe(0);
  });

  test("reads nothing ahead of its consumer", async () => {
    const { slot } = counted();
    let pulls = 0;
    const upstream = new ReadableStream<number>({ pull: (c) => void (pulls++, c.enqueue(pulls)) }, { highWaterMark: 0 });
    const reader = holdSlotUntilEnd(upstream, await slot()).getReader();
    await Bun.sleep(0);
    expect(pulls).toBe(0);
    await reader.read();
    await Bun.sleep(0);
    expect(pulls).toBe(1);
    await reader.cancel();
  });
});
