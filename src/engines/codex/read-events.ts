/**
 * @module A CodexEvent stream as an async iterable (the DOM typings give ReadableStream no async iterator). A consumer
 * that stops early (`break`, a throw) cancels the stream, and with it the upstream request.
 */
import type { CodexEvent } from "./events.ts";

export async function* readCodexEvents(stream: ReadableStream<CodexEvent>): AsyncGenerator<CodexEvent, void, undefined> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
