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
  return new ReadableStream<O>(new PullThroughSource(source.getReader(), transformer, options.signal), { highWaterMark: 0 });
}

/**
 * The stream's source and, through {@link StageController}, its transformer's controller. Classes rather than closures:
 * a reply runs through half a dozen stages, each of them built per request, and prototype methods are not allocated
 * again for every one (a closure per callback was some 60 of the ~120 functions a reply held).
 */
class PullThroughSource<I, O> implements UnderlyingDefaultSource<O> {
  output!: ReadableStreamDefaultController<O>;
  /** Closed, errored, terminated or cancelled: nothing more is read or written. */
  finished = false;
  enqueued = false;
  private readonly controller: StageController<I, O>;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<I>,
    private readonly transformer: Transformer<I, O>,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.controller = new StageController(this);
  }

  start(readable: ReadableStreamDefaultController<O>): void | PromiseLike<void> {
    this.output = readable;
    const { signal } = this;
    if (signal?.aborted) {
      this.fail(signal.reason);
      return;
    }
    signal?.addEventListener("abort", this, { once: true });
    return this.transformer.start?.(this.controller);
  }

  async pull(): Promise<void> {
    const { reader, transformer, controller } = this;
    // a pull that enqueues nothing is not called again: read on until something comes out or the stream ends
    this.enqueued = false;
    try {
      while (!this.enqueued && !this.finished) {
        const next = await reader.read();
        if (this.finished) return;
        if (next.done) {
          const flushed = transformer.flush?.(controller);
          if (flushed) await flushed;
          if (this.finished) return;
          this.finished = true;
          this.signal?.removeEventListener("abort", this);
          this.output.close();
          return;
        }
        // a synchronous transform is not awaited: an await costs a turn of the microtask queue per chunk
        const transformed = transformer.transform ? transformer.transform(next.value, controller) : controller.enqueue(next.value as unknown as O);
        if (transformed) await transformed;
      }
    } catch (error) {
      this.fail(error);
    }
  }

  cancel(reason?: unknown): Promise<void> {
    this.finished = true;
    this.signal?.removeEventListener("abort", this);
    return this.reader.cancel(reason);
  }

  /** The abort signal's listener (an EventListenerObject, so no closure is made for it). */
  handleEvent(): void {
    this.fail(this.signal?.reason);
  }

  fail(reason: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.output.error(reason);
    this.stopReading(reason);
  }

  stopReading(reason?: unknown): void {
    this.signal?.removeEventListener("abort", this);
    this.reader.cancel(reason).catch(ignore);
  }
}

class StageController<I, O> implements TransformStreamDefaultController<O> {
  constructor(private readonly stage: PullThroughSource<I, O>) {}

  get desiredSize(): number | null {
    return this.stage.output.desiredSize;
  }

  enqueue(chunk?: O): void {
    this.stage.output.enqueue(chunk as O);
    this.stage.enqueued = true;
  }

  error(reason?: unknown): void {
    this.stage.fail(reason);
  }

  terminate(): void {
    const { stage } = this;
    if (stage.finished) return;
    stage.finished = true;
    stage.output.close();
    stage.stopReading();
  }
}

function ignore(): void {}
