/** @module Test helper: runs values through a transformer as the reply pipeline does (pullThrough) and collects what it emits. */
import { pullThrough } from "../../streams/pull-through.ts";

export async function runTransform<I, O>(transformer: Transformer<I, O>, inputs: readonly I[]): Promise<O[]> {
  const source = new ReadableStream<I>({
    start(controller) {
      for (const input of inputs) controller.enqueue(input);
      controller.close();
    },
  });
  return Array.fromAsync(pullThrough(source, transformer) as unknown as AsyncIterable<O>);
}
