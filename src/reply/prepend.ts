/** @module Puts a value already read from a stream back in front of the rest of it (the reply's head check). */

/** Puts an already-read first value back in front of the rest of a stream. */
export function prepend<T>(first: T, reader: ReadableStreamDefaultReader<T>): ReadableStream<T> {
  let sentFirst = false;
  return new ReadableStream<T>({
    async pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        controller.enqueue(first);
        return;
      }
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
