/**
 * @module `source.pipeThrough(new TransformStream(transformer))` without the pipe: the transformer runs inside a
 * pull-based ReadableStream that reads its source only when its own reader asks. A TransformStream is two streams and
 * a pipe, with several promises per chunk between them; the reply pipeline has a stage for each of its jobs, and in
 * Bun 1.4.4 a TransformStream stage costs ~0.74 µs per chunk against ~0.26 µs for a pull wrapper (bench/RESULTS.md,
 * "Issue 12, fourth session").
 *
 * Stages fuse: `pullThrough` over a stream that `pullThrough` returned, while nobody reads it, adds the transformer to
 * that stream's pipeline instead of wrapping it, and the old stream is locked for good. A chunk read from the source
 * then goes through every stage by plain calls (a promise only where a transform returns one) and comes out of one
 * ReadableStream, where a wrapper per stage cost a stream, a reader, a read request and an async pull per chunk per
 * stage, and kept them alive for as long as the reply streamed (bench/RESULTS.md, "Issue 12, fifth session").
 *
 * The transformer contract is the platform's (`Transformer`): `start`, `transform` and `flush` with a controller that
 * enqueues, errors or terminates, and `cancel`, told once when the stage ends without its flush (its reader cancelled,
 * or the source or another stage failed). One addition, {@link PullThroughStage.mapError}: what an error from before a
 * stage becomes past it. What differs from a TransformStream: nothing is read ahead of the consumer (the pipe reads one
 * chunk ahead), and a stage hands what it enqueued during one call on after that call returns.
 *
 * {@link peek} looks at a stream's first chunk and leaves it there (the reply's head check).
 */

export interface PullThroughStage<I, O> extends Transformer<I, O> {
  /** The stage ends without its flush: its reader cancelled (the reason is the cancel's) or a failure (the error). */
  cancel?: (reason: unknown) => void | PromiseLike<void>;
  /** An error of the source or of an earlier stage on its way past this stage: what later stages and the reader get. */
  mapError?: (reason: unknown) => unknown;
}

export interface PullThroughOptions {
  /** Aborting cancels the source and errors the returned stream with the signal's reason, as `pipeThrough` does. */
  signal?: AbortSignal;
}

/** The pipeline behind each stream `pullThrough` returned, while that stream is its pipeline's output. */
const pipelines = new WeakMap<ReadableStream<unknown>, Pipeline>();

export function pullThrough<I, O>(source: ReadableStream<I>, transformer: PullThroughStage<I, O>, options: PullThroughOptions = {}): ReadableStream<O> {
  const existing = pipelines.get(source);
  const fuses = existing !== undefined && existing.canGrow(source);
  const pipeline = fuses ? existing : new Pipeline(source.getReader());
  // the stream the stage joins is read through the pipeline from now on: locked, nobody else reads it
  if (fuses) source.getReader();
  const stage = new Stage(pipeline, pipeline.stages.length, transformer as PullThroughStage<unknown, unknown>, options.signal);
  pipeline.stages.push(stage);
  const output = new PipelineOutput(pipeline);
  pipeline.output = output;
  const stream = new ReadableStream<O>(output as unknown as UnderlyingDefaultSource<O>, { highWaterMark: 0 });
  pipelines.set(stream, pipeline);
  pipeline.outputStream = stream;
  return stream;
}

/** What {@link peek} saw, and the stream to read from now on: the first chunk is still at its front. */
export interface Peeked<T> {
  first: ReadableStreamDefaultReadValueResult<T> | ReadableStreamDefaultReadDoneResult;
  stream: ReadableStream<T>;
}

/**
 * The first chunk of `stream`, left in front of the rest for whoever reads it next; `done` when it ends with none, a
 * rejection with its error. Over a stream `pullThrough` returned that nobody reads, the pipeline runs until its last
 * stage holds a chunk and the chunk waits there: no reader is taken and released (a released reader costs an error
 * object with its stack, the platform's "Reader released") and the stream stays open to more stages. Any other stream
 * is read once with a reader, and the stream returned puts the chunk back in front of the rest.
 */
export async function peek<T>(stream: ReadableStream<T>): Promise<Peeked<T>> {
  const pipeline = pipelines.get(stream);
  if (pipeline === undefined || !pipeline.canGrow(stream)) {
    const reader = stream.getReader();
    const first = await reader.read();
    reader.releaseLock();
    return { first, stream: first.done ? stream : pullThrough(stream, new StartingWith(first.value)) };
  }
  await pipeline.output.peekFill();
  if (!pipeline.last.isEmpty()) return { first: { done: false, value: pipeline.last.front() as T }, stream };
  if (pipeline.failure !== NO_FAILURE) throw pipeline.failure;
  return { first: { done: true, value: undefined }, stream };
}

/** A stage that puts one chunk, read before the stage joined, in front of the rest. */
class StartingWith<T> implements Transformer<T, T> {
  constructor(private readonly first: T) {}

  start(controller: TransformStreamDefaultController<T>): void {
    controller.enqueue(this.first);
  }
}

const NO_FAILURE: unique symbol = Symbol("no failure");

type State = "open" | "closing" | "done";

/**
 * The source's reader and the stages after it. Each stage's controller puts what the stage enqueues in the stage's
 * buffer; the pump passes buffers on, stage by stage, and the last stage's buffer is what the output hands out, one
 * chunk per pull.
 */
class Pipeline {
  readonly stages: Stage[] = [];
  output!: PipelineOutput;
  outputStream!: ReadableStream<unknown>;
  state: State = "open";
  /** A pull is under way: the pipeline does not grow until it is over. */
  pulling = false;
  /** Set by `terminate`: the first stage still to flush, which the pull under way or the next one does. */
  private finishing: number | null = null;
  /** What the output errored with, once the source or a stage failed. */
  failure: unknown = NO_FAILURE;

  constructor(readonly reader: ReadableStreamDefaultReader<unknown>) {}

  canGrow(stream: ReadableStream<unknown>): boolean {
    return this.outputStream === stream && !stream.locked && !this.pulling && this.state === "open";
  }

  get last(): Stage {
    return this.stages[this.stages.length - 1] as Stage;
  }

  /** Runs the pipeline until the last stage holds a chunk or the pipeline is over; it does not grow meanwhile. */
  async fill(): Promise<void> {
    this.pulling = true;
    try {
      await this.pump();
      if (this.finishing === null) return;
      const from = this.finishing;
      this.finishing = null;
      // what the terminating stage enqueued outside the pump's transforms (its start or flush) goes on first
      await this.passOn(from - 1);
      await this.finishFrom(from);
    } catch (error) {
      this.fail(-1, error);
    } finally {
      this.pulling = false;
    }
  }

  private async pump(): Promise<void> {
    const last = this.last;
    while (last.isEmpty() && this.state === "open") {
      // what a stage enqueued outside a transform of the pump's (its start, or a chunk left by an earlier pull)
      const left = this.passOn(0);
      if (left) await left;
      if (!last.isEmpty() || this.state !== "open") return;
      const next = await this.reader.read();
      if (this.state !== "open") return;
      if (next.done) {
        await this.finishFrom(0);
        return;
      }
      const taken = (this.stages[0] as Stage).take(next.value);
      if (taken === false || (taken !== true && !(await taken))) return;
      const passed = this.passOn(0);
      if (passed) await passed;
    }
  }

  /**
   * Passes the buffers of stage `from` and the stages after it on through the later stages, in order. Synchronous
   * while the transforms are; a promise from the first one that is not, after which it goes on from there.
   */
  passOn(from: number): Promise<void> | undefined {
    const { stages } = this;
    for (let index = from; index < stages.length - 1; index++) {
      const stage = stages[index] as Stage;
      const next = stages[index + 1] as Stage;
      while (!stage.isEmpty()) {
      if (this.state === "done") return undefined;
      const chunk = stage.shift();
      if (next.finished) continue;
      const taken = next.take(chunk);
      if (taken === false) return undefined;
      if (taken !== true) return taken.then((open) => (open ? this.passOn(index) : undefined));
      }
    }
    return undefined;
  }

  /** The source ended, or stage `from - 1` terminated: the stages from `from` on flush in order, then the output closes. */
  async finishFrom(from: number): Promise<void> {
    for (let index = from; index < this.stages.length; index++) {
      const stage = this.stages[index] as Stage;
      if (stage.finished) continue;
      if (!(await stage.flush())) return;
      const passed = this.passOn(index);
      if (passed) await passed;
      if (this.state === "done") return;
    }
    if (this.state === "open") this.state = "closing";
  }

  /** Stage `index` terminated: the source and the stages before it stop, the later ones finish. */
  terminate(index: number): void {
    for (let before = 0; before < index; before++) tell((this.stages[before] as Stage).cancel(undefined));
    (this.stages[index] as Stage).end();
    this.reader.cancel().catch(ignore);
    if (this.state !== "open") return;
    this.state = "closing";
    this.finishing = index + 1;
  }

  /**
   * The stage at `index` (-1: the source) failed with `reason`: the output errors with the reason as the later stages
   * map it, every stage not yet ended is told, and the source is cancelled.
   */
  fail(index: number, reason: unknown): void {
    if (this.state === "done") return;
    this.state = "done";
    let seen = reason;
    for (const stage of this.stages) {
      if (stage.index === index) stage.end();
      else if (stage.index < index) tell(stage.cancel(reason));
      else {
        if (stage.transformer.mapError) seen = stage.transformer.mapError(seen);
        tell(stage.cancel(seen));
      }
    }
    this.failure = seen;
    this.output.error(seen);
    this.reader.cancel(reason).catch(ignore);
  }

  /** The reader cancelled the output: every stage not yet ended is told, from the last, then the source. */
  async cancel(reason: unknown): Promise<void> {
    if (this.state === "done") return;
    this.state = "done";
    for (let index = this.stages.length - 1; index >= 0; index--) await (this.stages[index] as Stage).cancel(reason);
    await this.reader.cancel(reason);
  }
}

/**
 * One transformer in a pipeline, with its controller (the stage is both: classes rather than closures, so a reply's
 * half-dozen stages do not allocate their callbacks again for every request) and the buffer of what it enqueued.
 */
class Stage implements TransformStreamDefaultController<unknown> {
  /** Flushed, terminated, cancelled or failed: it takes nothing more. */
  finished = false;
  private buffer: unknown[] = [];
  private head = 0;

  constructor(
    readonly pipeline: Pipeline,
    readonly index: number,
    readonly transformer: PullThroughStage<unknown, unknown>,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Runs the transformer's start. */
  start(): void | PromiseLike<void> {
    const { signal } = this;
    if (signal?.aborted) return this.pipeline.fail(this.index, signal.reason);
    signal?.addEventListener("abort", this, { once: true });
    try {
      const started = this.transformer.start?.(this);
      if (started) return Promise.resolve(started).catch((error: unknown) => this.pipeline.fail(this.index, error));
    } catch (error) {
      this.pipeline.fail(this.index, error);
    }
  }

  /**
   * Transforms one chunk: whether the pipeline goes on (false: this stage or another failed), at once when the
   * transform is synchronous — an await would cost a promise and a turn of the microtask queue per chunk per stage.
   */
  take(chunk: unknown): boolean | Promise<boolean> {
    const { transformer, pipeline } = this;
    let transformed: void | PromiseLike<void>;
    try {
      transformed = transformer.transform ? transformer.transform(chunk, this) : this.enqueue(chunk);
    } catch (error) {
      pipeline.fail(this.index, error);
      return false;
    }
    if (!transformed) return pipeline.state !== "done";
    return Promise.resolve(transformed).then(
      () => pipeline.state !== "done",
      (error: unknown) => {
        pipeline.fail(this.index, error);
        return false;
      },
    );
  }

  async flush(): Promise<boolean> {
    const { transformer, pipeline } = this;
    this.end();
    try {
      const flushed = transformer.flush?.(this);
      if (flushed) await flushed;
    } catch (error) {
      pipeline.fail(this.index, error);
    }
    return pipeline.state !== "done";
  }

  /** Tells an unfinished stage that it ends without its flush. */
  cancel(reason: unknown): void | PromiseLike<void> {
    if (this.finished) return;
    this.end();
    return this.transformer.cancel?.(reason);
  }

  end(): void {
    this.finished = true;
    this.signal?.removeEventListener("abort", this);
  }

  isEmpty(): boolean {
    return this.head === this.buffer.length;
  }

  front(): unknown {
    return this.buffer[this.head];
  }

  shift(): unknown {
    const chunk = this.buffer[this.head];
    this.buffer[this.head++] = undefined;
    if (this.head === this.buffer.length) {
      this.buffer.length = 0;
      this.head = 0;
    }
    return chunk;
  }

  // the transformer's controller

  get desiredSize(): number | null {
    return this.isEmpty() ? 0 : this.head - this.buffer.length;
  }

  enqueue(chunk?: unknown): void {
    this.buffer.push(chunk);
  }

  error(reason?: unknown): void {
    this.pipeline.fail(this.index, reason);
  }

  terminate(): void {
    this.pipeline.terminate(this.index);
  }

  /** The abort signal's listener (an EventListenerObject, so no closure is made for it). */
  handleEvent(): void {
    this.pipeline.fail(this.index, this.signal?.reason);
  }
}

/** The underlying source of a pipeline's output stream: the last stage's buffer, one chunk per pull. */
class PipelineOutput implements UnderlyingDefaultSource<unknown> {
  private controller!: ReadableStreamDefaultController<unknown>;
  /** The last stage's start while it is under way: the stream pulls only after it, and so does a peek. */
  private starting: PromiseLike<void> | undefined;
  /** A peek's fill under way: a pull that comes meanwhile waits for it rather than filling beside it. */
  private peeking: Promise<void> | undefined;

  constructor(private readonly pipeline: Pipeline) {}

  start(controller: ReadableStreamDefaultController<unknown>): void | PromiseLike<void> {
    this.controller = controller;
    const started = this.pipeline.last.start();
    if (started) {
      this.starting = Promise.resolve(started).then(() => {
        this.starting = undefined;
      });
    }
    return started;
  }

  async pull(): Promise<void> {
    const { pipeline } = this;
    if (this.peeking) await this.peeking;
    await pipeline.fill();
    const last = pipeline.last;
    if (pipeline.state === "done") return;
    if (!last.isEmpty()) this.controller.enqueue(last.shift());
    else if (pipeline.state === "closing") {
      pipeline.state = "done";
      this.controller.close();
    }
  }

  /** Fills the pipeline for a peek, leaving what it yields in the last stage's buffer. */
  peekFill(): Promise<void> {
    this.peeking = this.fillForPeek().finally(() => {
      this.peeking = undefined;
    });
    return this.peeking;
  }

  private async fillForPeek(): Promise<void> {
    if (this.starting) await this.starting;
    await this.pipeline.fill();
  }

  cancel(reason: unknown): Promise<void> {
    return this.pipeline.cancel(reason);
  }

  error(reason: unknown): void {
    this.controller.error(reason);
  }
}

function ignore(): void {}

/** A cancel hook's promise, from a failure nobody awaits: its rejection must not go unhandled. */
function tell(told: void | PromiseLike<void>): void {
  if (told) Promise.resolve(told).catch(ignore);
}
