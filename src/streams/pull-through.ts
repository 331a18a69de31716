/**
 * @module `source.pipeThrough(new TransformStream(transformer))` without the pipe: the transformer runs inside one
 * pull-based ReadableStream that reads its source only when its own reader asks. A TransformStream is two streams
 * and a pipe, with several promises per chunk between them; the reply pipeline has a stage for each of its jobs, and
 * in Bun 1.4.4 a TransformStream stage costs ~0.74 µs per chunk against ~0.26 µs for this one (bench/RESULTS.md,
 * "Issue 12, fourth session").
 *
 * The transformer contract is the platform's (`Transformer`): `start`, `transform` and `flush` with a controller that
 * enqueues, errors or terminates. What differs from a TransformStream: nothing is read ahead of the consumer (the
 * pipe reads one chunk ahead), and there is no writable side to hand around.
 */

export interface PullThroughOptions {
  /** Aborting cancels the source and errors the returned stream with the signal's reason, as `pipeThrough` does. */
  signal?: AbortSignal;
}

export function pullThrough<I, O>(source: ReadableStream<I>, transformer: Transformer<I, O>, options: PullThroughOptions = {}): ReadableStream<O> {
  const reader = source.getReader();
  const { signal } = options;
  let output!: ReadableStreamDefaultController<O>;
  /** Closed, errored, terminated or cancelled: nothing more is read or written. */
  let finished = false;
  let enqueued = false;

  const stopReading = (reason?: unknown): void => {
    signal?.removeEventListener("abort", onAbort);
    reader.cancel(reason).catch(() => {});
  };
  const fail = (reason: unknown): void => {
    if (finished) return;
    finished = true;
    output.error(reason);
    stopReading(reason);
  };
  function onAbort(): void {
    fail(signal?.reason);
  }
  const controller: TransformStreamDefaultController<O> = {
    get desiredSize() {
      return output.desiredSize;
    },
    enqueue(chunk) {
      output.enqueue(chunk);
      enqueued = true;
    },
    error: fail,
    terminate() {
      if (finished) return;
      finished = true;
      output.close();
      stopReading();
    },
  };
  return new ReadableStream<O>(
    {
      start(readable) {
        output = readable;
        if (signal?.aborted) {
          fail(signal.reason);
          return;
        }
        signal?.addEventListener("abort", onAbort, { once: true });
        return transformer.start?.(controller);
      },
      async pull() {
        // a pull that enqueues nothing is not called again: read on until something comes out or the stream ends
        enqueued = false;
        try {
          while (!enqueued && !finished) {
            const next = await reader.read();
            if (finished) return;
            if (next.done) {
              const flushed = transformer.flush?.(controller);
              if (flushed) await flushed;
              if (finished) return;
              finished = true;
              signal?.removeEventListener("abort", onAbort);
              output.close();
              return;
            }
            // a synchronous transform is not awaited: an await costs a turn of the microtask queue per chunk
            const transformed = transformer.transform ? transformer.transform(next.value, controller) : controller.enqueue(next.value as unknown as O);
            if (transformed) await transformed;
          }
        } catch (error) {
          fail(error);
        }
      },
      cancel(reason) {
        finished = true;
        signal?.removeEventListener("abort", onAbort);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
