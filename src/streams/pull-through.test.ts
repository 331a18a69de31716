import { describe, expect, test } from "bun:test";
import { pullThrough } from "./pull-through.ts";

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
