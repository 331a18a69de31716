import { describe, expect, test } from "bun:test";
import { type PullThroughStage, peek, pullThrough } from "./pull-through.ts";

/** A source that counts its pulls and remembers how it was cancelled. */
function countingSource(values: number[]) {
  const seen = { pulls: 0, cancelled: false as boolean, reason: undefined as unknown };
  let at = 0;
  const stream = new ReadableStream<number>(
    {
      pull(controller) {
        seen.pulls++;
        if (at < values.length) controller.enqueue(values[at++] as number);
        else controller.close();
      },
      cancel(reason) {
        seen.cancelled = true;
        seen.reason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const collect = <T>(stream: ReadableStream<T>) => Array.fromAsync(stream as unknown as AsyncIterable<T>);

describe("pullThrough", () => {
  test("maps, fans out and filters chunks, then flushes, as a TransformStream would", async () => {
    const transformer = (): Transformer<number, string> => ({
      start(controller) {
        controller.enqueue("start");
      },
      transform(chunk, controller) {
        if (chunk % 2 === 0) return; // nothing out: the stream must read on by itself
        controller.enqueue(`a${chunk}`);
        controller.enqueue(`b${chunk}`);
      },
      flush(controller) {
        controller.enqueue("end");
      },
    });
    const values = [1, 2, 4, 6, 3];
    const ours = await collect(pullThrough(countingSource(values).stream, transformer()));
    const platform = await collect(countingSource(values).stream.pipeThrough(new TransformStream(transformer())));
    expect(ours).toEqual(["start", "a1", "b1", "a3", "b3", "end"]);
    expect(ours).toEqual(platform);
  });

  test("without transform, chunks pass unchanged", async () => {
    expect(await collect(pullThrough(countingSource([1, 2, 3]).stream, {}))).toEqual([1, 2, 3]);
  });

  test("awaits an asynchronous transform and flush in order", async () => {
    const out = pullThrough<number, number>(countingSource([1, 2, 3]).stream, {
      async transform(chunk, controller) {
        await Promise.resolve();
        controller.enqueue(chunk * 10);
      },
      async flush(controller) {
        await Promise.resolve();
        controller.enqueue(0);
      },
    });
    expect(await collect(out)).toEqual([10, 20, 30, 0]);
  });

  test("reads nothing ahead of its reader", async () => {
    const { stream, seen } = countingSource([1, 2, 3, 4]);
    const reader = pullThrough(stream, {}).getReader();
    await Promise.resolve();
    expect(seen.pulls).toBe(0);
    expect((await reader.read()).value).toBe(1);
    expect(seen.pulls).toBe(1);
    expect((await reader.read()).value).toBe(2);
    expect(seen.pulls).toBe(2);
  });

  test("terminate closes the output and cancels the source", async () => {
    const { stream, seen } = countingSource([1, 2, 3, 4]);
    const out = pullThrough<number, number>(stream, {
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (chunk === 2) controller.terminate();
      },
      flush() {
        throw new Error("flush must not run after terminate");
      },
    });
    expect(await collect(out)).toEqual([1, 2]);
    expect(seen.cancelled).toBe(true);
  });

  test("a transform that throws errors the output with its error and cancels the source", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const boom = new Error("boom");
    const out = pullThrough<number, number>(stream, {
      transform(chunk, controller) {
        if (chunk === 2) throw boom;
        controller.enqueue(chunk);
      },
    });
    const reader = out.getReader();
    expect((await reader.read()).value).toBe(1);
    await expect(reader.read()).rejects.toBe(boom);
    expect(seen.cancelled).toBe(true);
    expect(seen.reason).toBe(boom);
  });

  test("controller.error errors the output and cancels the source", async () => {
    const { stream, seen } = countingSource([1, 2]);
    const reason = new Error("refused");
    const out = pullThrough<number, number>(stream, {
      transform(_chunk, controller) {
        controller.error(reason);
      },
    });
    await expect(collect(out)).rejects.toBe(reason);
    await Promise.resolve();
    expect(seen.cancelled).toBe(true);
  });

  test("a source that errors errors the output", async () => {
    const reason = new Error("cut off");
    const source = new ReadableStream<number>({
      start(controller) {
        controller.enqueue(1);
        controller.error(reason);
      },
    });
    const reader = pullThrough(source, {}).getReader();
    await expect(reader.read()).rejects.toBe(reason);
  });

  test("cancelling the output cancels the source with the reason", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const reader = pullThrough(stream, {}).getReader();
    await reader.read();
    await reader.cancel("client left");
    expect(seen.cancelled).toBe(true);
    expect(seen.reason).toBe("client left");
  });

  test("an abort signal errors the output with its reason and cancels the source", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const abort = new AbortController();
    const reader = pullThrough(stream, {}, { signal: abort.signal }).getReader();
    expect((await reader.read()).value).toBe(1);
    const reason = new Error("aborted by the client");
    abort.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(seen.cancelled).toBe(true);
    expect(seen.reason).toBe(reason);
  });

  test("a signal aborted before the start errors at once", async () => {
    const { stream, seen } = countingSource([1]);
    const reason = new Error("already gone");
    await expect(collect(pullThrough(stream, {}, { signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    await Promise.resolve();
    expect(seen.cancelled).toBe(true);
  });
});

/** A stage that logs what happens to it under `name`: chunks it takes (`name:chunk`), its flush and its cancel. */
function loggingStage(name: string, log: string[], map: (chunk: number) => number[] = (chunk) => [chunk]): PullThroughStage<number, number> {
  return {
    transform(chunk, controller) {
      log.push(`${name}:${chunk}`);
      for (const out of map(chunk)) controller.enqueue(out);
    },
    flush() {
      log.push(`${name}:flush`);
    },
    cancel(reason) {
      log.push(`${name}:cancel(${String(reason)})`);
    },
  };
}

describe("pullThrough stages fused into one pipeline", () => {
  test("a stage over a pullThrough stream joins its pipeline: the stream it joined is locked, the output the same as piped TransformStreams'", async () => {
    const double = (chunk: number) => [chunk, chunk * 10];
    const odd = (chunk: number) => (chunk % 2 === 1 ? [chunk] : []);
    const inner = pullThrough(countingSource([1, 2, 3]).stream, loggingStage("a", [], double));
    const fused = pullThrough(inner, loggingStage("b", [], odd));
    expect(inner.locked).toBe(true);
    const piped = countingSource([1, 2, 3])
      .stream.pipeThrough(new TransformStream(loggingStage("a", [], double)))
      .pipeThrough(new TransformStream(loggingStage("b", [], odd)));
    expect(await collect(fused)).toEqual(await collect(piped));
  });

  test("reads nothing ahead of its reader through all its stages", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const log: string[] = [];
    const out = pullThrough(pullThrough(pullThrough(stream, loggingStage("a", log)), loggingStage("b", log)), loggingStage("c", log));
    const reader = out.getReader();
    expect((await reader.read()).value).toBe(1);
    expect(seen.pulls).toBe(1);
    expect(log).toEqual(["a:1", "b:1", "c:1"]);
  });

  test("a stage added after a read and a released lock goes on from there, and what its start enqueued comes first", async () => {
    const log: string[] = [];
    const rendered = pullThrough(countingSource([1, 2, 3]).stream, loggingStage("a", log));
    const reader = rendered.getReader();
    const first = await reader.read();
    reader.releaseLock();
    const rest = pullThrough<number, number>(rendered, { start: (controller) => controller.enqueue(first.value as number) });
    expect(rendered.locked).toBe(true);
    expect(await collect(pullThrough(rest, loggingStage("b", log)))).toEqual([1, 2, 3]);
    expect(log).toEqual(["a:1", "b:1", "a:2", "b:2", "a:3", "b:3", "a:flush", "b:flush"]);
  });

  test("an asynchronous stage between synchronous ones keeps the order of every chunk", async () => {
    const log: string[] = [];
    const slow: PullThroughStage<number, number> = {
      async transform(chunk, controller) {
        await Bun.sleep(chunk === 1 ? 5 : 0);
        controller.enqueue(chunk);
        controller.enqueue(chunk + 100);
      },
    };
    const out = pullThrough(pullThrough(pullThrough(countingSource([1, 2]).stream, loggingStage("a", log)), slow), loggingStage("c", log));
    expect(await collect(out)).toEqual([1, 101, 2, 102]);
    expect(log).toEqual(["a:1", "c:1", "c:101", "a:2", "c:2", "c:102", "a:flush", "c:flush"]);
  });

  test("a stage that terminates: the stages before it are cancelled, the source too, the stages after it flush", async () => {
    const { stream, seen } = countingSource([1, 2, 3, 4]);
    const log: string[] = [];
    const limit: PullThroughStage<number, number> = {
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (chunk === 2) controller.terminate();
      },
    };
    const out = pullThrough(pullThrough(pullThrough(stream, loggingStage("a", log)), limit), loggingStage("c", log));
    expect(await collect(out)).toEqual([1, 2]);
    expect(log).toEqual(["a:1", "c:1", "a:2", "a:cancel(undefined)", "c:2", "c:flush"]);
    expect(seen.cancelled).toBe(true);
  });

  test("a source that fails: each later stage maps the error in turn, every stage is told, the reader gets the last mapping", async () => {
    const broken = new ReadableStream<number>({
      start(controller) {
        controller.enqueue(1);
      },
      pull(controller) {
        controller.error(new Error("cut"));
      },
    });
    const log: string[] = [];
    const mapping = (name: string): PullThroughStage<number, number> => ({
      ...loggingStage(name, log),
      mapError: (error) => new Error(`${name}(${(error as Error).message})`),
    });
    const reader = pullThrough(pullThrough(broken, mapping("a")), mapping("b")).getReader();
    expect((await reader.read()).value).toBe(1);
    await expect(reader.read()).rejects.toThrow("b(a(cut))");
    expect(log).toEqual(["a:1", "b:1", "a:cancel(Error: a(cut))", "b:cancel(Error: b(a(cut)))"]);
  });

  test("a stage that fails: the stages before it are told with its error, the later ones map it", async () => {
    const { stream, seen } = countingSource([1, 2]);
    const log: string[] = [];
    const failing: PullThroughStage<number, number> = {
      transform() {
        throw new Error("bad chunk");
      },
      cancel: () => void log.push("failing stage told"),
    };
    const last: PullThroughStage<number, number> = { ...loggingStage("c", log), mapError: (error) => `client sees ${(error as Error).message}` };
    const out = pullThrough(pullThrough(pullThrough(stream, loggingStage("a", log)), failing), last);
    await expect(out.getReader().read()).rejects.toBe("client sees bad chunk");
    expect(log).toEqual(["a:1", "a:cancel(Error: bad chunk)", "c:cancel(client sees bad chunk)"]);
    expect(seen.reason).toEqual(new Error("bad chunk"));
  });

  test("cancelling the output tells every stage, from the last, then cancels the source", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const log: string[] = [];
    const reader = pullThrough(pullThrough(stream, loggingStage("a", log)), loggingStage("b", log)).getReader();
    await reader.read();
    await reader.cancel("gone");
    expect(log).toEqual(["a:1", "b:1", "b:cancel(gone)", "a:cancel(gone)"]);
    expect(seen.reason).toBe("gone");
  });

  test("a stage's signal aborting errors the pipeline past it and tells the others", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const log: string[] = [];
    const controller = new AbortController();
    const reader = pullThrough(pullThrough(stream, loggingStage("a", log)), loggingStage("b", log), { signal: controller.signal }).getReader();
    await reader.read();
    controller.abort(new Error("request aborted"));
    await expect(reader.read()).rejects.toThrow("request aborted");
    expect(log).toEqual(["a:1", "b:1", "a:cancel(Error: request aborted)"]);
    expect(seen.cancelled).toBe(true);
  });

  test("a stream being read does not grow: a stage over it wraps it, and the reader's lock makes that an error as before", () => {
    const inner = pullThrough(countingSource([1]).stream, loggingStage("a", []));
    inner.getReader();
    expect(() => pullThrough(inner, loggingStage("b", []))).toThrow();
  });
});

test("fused stages read their source once per chunk, with no stream between them to read", async () => {
  const read = ReadableStreamDefaultReader.prototype.read;
  let reads = 0;
  ReadableStreamDefaultReader.prototype.read = function (this: ReadableStreamDefaultReader<unknown>) {
    reads++;
    return read.call(this);
  } as typeof read;
  try {
    const out = pullThrough(pullThrough(pullThrough(countingSource([1, 2, 3]).stream, loggingStage("a", [])), loggingStage("b", [])), loggingStage("c", []));
    expect(await collect(out)).toEqual([1, 2, 3]);
  } finally {
    ReadableStreamDefaultReader.prototype.read = read;
  }
  // the source's 3 chunks and its end (the collector reads through the stream's iterator, not counted here); three
  // stages each over the last one's stream would read 3 × 4
  expect(reads).toBe(4);
});

describe("peek", () => {
  test("over a pullThrough stream: the first chunk stays in front, nothing more is read, no reader is taken", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const log: string[] = [];
    const rendered = pullThrough(stream, loggingStage("a", log, (chunk) => [chunk, chunk * 10]));
    const getReader = ReadableStream.prototype.getReader;
    let readers = 0;
    ReadableStream.prototype.getReader = function (this: ReadableStream, ...args: []) {
      readers++;
      return getReader.apply(this, args);
    } as typeof getReader;
    let peeked: Awaited<ReturnType<typeof peek<number>>>;
    try {
      peeked = await peek(rendered);
    } finally {
      ReadableStream.prototype.getReader = getReader;
    }
    expect(readers).toBe(0);
    expect(peeked.first).toEqual({ done: false, value: 1 });
    expect(peeked.stream).toBe(rendered);
    expect(rendered.locked).toBe(false);
    expect(seen.pulls).toBe(1);
    expect(await collect(rendered)).toEqual([1, 10, 2, 20, 3, 30]);
    expect(log).toEqual(["a:1", "a:2", "a:3", "a:flush"]);
  });

  test("a stage added after a peek takes the peeked chunk first", async () => {
    const log: string[] = [];
    const rendered = pullThrough(countingSource([1, 2]).stream, loggingStage("a", log));
    const { first, stream } = await peek(rendered);
    expect(first.value).toBe(1);
    const fused = pullThrough(stream, loggingStage("b", log));
    expect(rendered.locked).toBe(true);
    expect(await collect(fused)).toEqual([1, 2]);
    expect(log).toEqual(["a:1", "b:1", "a:2", "b:2", "a:flush", "b:flush"]);
  });

  test("a pullThrough stream that ends empty peeks as done and can still be cancelled", async () => {
    const { stream, seen } = countingSource([]);
    const log: string[] = [];
    const peeked = await peek(pullThrough(stream, loggingStage("a", log)));
    expect(peeked.first.done).toBe(true);
    await peeked.stream.cancel("gone");
    expect(log).toEqual(["a:flush"]);
    expect(seen.pulls).toBe(1);
  });

  test("a failure before the first chunk rejects with the error as the stages map it, the source cancelled", async () => {
    const { stream, seen } = countingSource([1]);
    const failing = pullThrough<number, number>(stream, {
      transform() {
        throw new Error("bad first event");
      },
    });
    const mapped = pullThrough<number, number>(failing, { mapError: (reason) => new Error(`mapped: ${(reason as Error).message}`) });
    await expect(peek(mapped)).rejects.toThrow("mapped: bad first event");
    expect(seen.cancelled).toBe(true);
    await expect(mapped.getReader().read()).rejects.toThrow("mapped: bad first event");
  });

  test("waits for the last stage's asynchronous start, as a read would", async () => {
    const log: string[] = [];
    const started = Promise.withResolvers<void>();
    const rendered = pullThrough<number, number>(countingSource([1]).stream, {
      start: () => started.promise.then(() => void log.push("started")),
      transform: (chunk, controller) => {
        log.push(`t:${chunk}`);
        controller.enqueue(chunk);
      },
    });
    const peeked = peek(rendered);
    await Bun.sleep(0);
    expect(log).toEqual([]);
    started.resolve();
    expect((await peeked).first.value).toBe(1);
    expect(log).toEqual(["started", "t:1"]);
  });

  test("a read that comes during a peek waits for it and gets the same first chunk", async () => {
    const gate = Promise.withResolvers<void>();
    const rendered = pullThrough<number, number>(countingSource([1, 2]).stream, {
      transform: async (chunk, controller) => {
        await gate.promise;
        controller.enqueue(chunk);
      },
    });
    const peeked = peek(rendered);
    const read = rendered.getReader().read();
    gate.resolve();
    expect((await peeked).first.value).toBe(1);
    expect(await read).toEqual({ done: false, value: 1 });
  });

  test("any other stream is read once and given back with the chunk in front", async () => {
    const { stream, seen } = countingSource([1, 2, 3]);
    const peeked = await peek(stream);
    expect(peeked.first).toEqual({ done: false, value: 1 });
    expect(seen.pulls).toBe(1);
    expect(await collect(peeked.stream)).toEqual([1, 2, 3]);
  });
});
