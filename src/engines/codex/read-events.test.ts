import { expect, test } from "bun:test";
import type { CodexEvent } from "./events.ts";
import { readCodexEvents } from "./read-events.ts";

function streamOf(events: CodexEvent[]) {
  const state = { cancelled: false };
  let index = 0;
  const stream = new ReadableStream<CodexEvent>({
    pull(controller) {
      const event = events[index++];
      if (event) controller.enqueue(event);
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const events: CodexEvent[] = [
  { type: "start", responseId: "resp_1", model: "gpt-5.5" },
  { type: "content", text: "Hi" },
  { type: "finish", reason: "stop", usage: { inputTokens: 1, cachedTokens: 0, outputTokens: 1, reasoningTokens: 0 } },
];

test("yields every event in order, then ends without cancelling", async () => {
  const { stream, state } = streamOf(events);
  const seen: CodexEvent[] = [];
  for await (const event of readCodexEvents(stream)) seen.push(event);
  expect(seen).toEqual(events);
  expect(state.cancelled).toBe(false);
});

test("a consumer that breaks early cancels the stream", async () => {
  const { stream, state } = streamOf(events);
  for await (const event of readCodexEvents(stream)) {
    if (event.type === "start") break;
  }
  expect(state.cancelled).toBe(true);
});
