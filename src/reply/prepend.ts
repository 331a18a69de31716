/** @module Puts a value already read from a stream back in front of the rest of it (the reply's head check). */
import { pullThrough } from "../streams/pull-through.ts";

/**
 * `stream` with `first` in front of it, where `first` was read from it by a reader since released: a stage of the
 * stream's pipeline when it came from `pullThrough`, so the rest of the reply is not read through one more stream.
 */
export function prepend<T>(first: T, stream: ReadableStream<T>): ReadableStream<T> {
  return pullThrough(stream, new StartingWith(first));
}

class StartingWith<T> implements Transformer<T, T> {
  constructor(private readonly first: T) {}

  start(controller: TransformStreamDefaultController<T>): void {
    controller.enqueue(this.first);
  }
}
