/** The three stream stages composed as the chat service composes them. */
import { pullThrough } from "../streams/pull-through.ts";
import { expect, test } from "bun:test";
import type { UpstreamEvent } from "../engines/web/events.ts";
import { streamedText } from "./__fixtures__/upstream-message.ts";
import { limitOutput } from "./limit-output.ts";
import { createRenderer } from "./render-events.ts";
import { toChatChunks, type ChatChunkEvent } from "./to-chat-chunks.ts";

test("renderer → limitOutput → toChatChunks: a stop cuts the reply and cancels the upstream source", async () => {
  let cancelled = false;
  const events = [...streamedText("m-1", ["Hello ", "world", " STOP more", " text"])];
  const source = new ReadableStream<UpstreamEvent>({
    pull(controller) {
      const next = events.shift();
      if (next) controller.enqueue(next);
      // never closes by itself: only the cancel from downstream ends it
    },
    cancel() {
      cancelled = true;
    },
  });
  const chunks: ChatChunkEvent[] = [];
  const rendered = pullThrough(source, createRenderer({ reasoningDisplay: "field" }));
  const limited = pullThrough(rendered, limitOutput({ stop: [" STOP"], model: "gpt-4o" }));
  const piped = pullThrough(limited, toChatChunks({ id: "x", created: 1, model: "gpt-4o", includeUsage: false, promptTokens: 1 }));
  const reader = piped.getReader();
  for (let result = await reader.read(); !result.done; result = await reader.read()) chunks.push(result.value);
  const deltas = chunks.map((chunk) => ("choices" in chunk ? [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason] : chunk));
  expect(deltas).toEqual([
    [{ role: "assistant", content: "", refusal: null }, null],
    [{ content: "Hello" }, null],
    [{ content: " world" }, null],
    [{}, "stop"],
  ]);
  expect(cancelled).toBe(true);
});
