/** @module The end of a reply is told once, with the status of how it ended. */
import { expect, test } from "bun:test";
import type { RenderedDelta } from "../translate/rendered-delta.ts";
import { watchReply } from "./watch-reply.ts";

function source(deltas: RenderedDelta[], thenError?: Error): ReadableStream<RenderedDelta> {
  return new ReadableStream({
    start(controller) {
      for (const delta of deltas) controller.enqueue(delta);
      if (thenError) controller.error(thenError);
      else controller.close();
    },
  });
}

function watched(input: ReadableStream<RenderedDelta>) {
  const ends: number[] = [];
  const seen: string[] = [];
  const stream = watchReply(input, {
    see: (delta) => (seen.push(delta.type), delta.type === "content" ? { ...delta, text: delta.text.toUpperCase() } : delta),
    end: (status) => ends.push(status),
    clientError: (error) => new Error(`client sees: ${(error as Error).message}`),
  });
  return { stream, ends, seen };
}

const start: RenderedDelta = { type: "start", conversationId: null, messageId: "m" };

test("a reply that ends well: every delta seen (and amended), then 200 once", async () => {
  const { stream, ends, seen } = watched(source([start, { type: "content", text: "hi" }, { type: "finish", reason: "stop" }]));
  const out = await Array.fromAsync(stream as unknown as AsyncIterable<RenderedDelta>);
  expect(out[1]).toEqual({ type: "content", text: "HI" });
  expect([seen, ends]).toEqual([["start", "content", "finish"], [200]]);
});

test("a failed delta makes it a 502; a broken stream a 502 with the client's error; a client that leaves a 499", async () => {
  const failed = watched(source([start, { type: "failed", message: "cut" }]));
  await Array.fromAsync(failed.stream as unknown as AsyncIterable<RenderedDelta>);
  expect(failed.ends).toEqual([502]);

  const broken = watched(source([start], new Error("reset")));
  const error = await Array.fromAsync(broken.stream as unknown as AsyncIterable<RenderedDelta>).catch((caught: unknown) => caught);
  expect([(error as Error).message, broken.ends]).toEqual(["client sees: reset", [502]]);

  const left = watched(source([start, { type: "content", text: "a" }]));
  const reader = left.stream.getReader();
  await reader.read();
  await reader.cancel();
  await reader.cancel();
  expect(left.ends).toEqual([499]);
});

test("a watch that fails on a delta ends the reply as a 502 with the client's error, as a broken stream does", async () => {
  for (const see of [
    () => {
      throw new Error("count failed");
    },
    () => Promise.reject(new Error("count failed")),
  ]) {
    const ends: number[] = [];
    const stream = watchReply(source([start, { type: "content", text: "a" }]), {
      see: (delta) => (delta.type === "content" ? see() : delta),
      end: (status) => ends.push(status),
      clientError: (error) => new Error(`client sees: ${(error as Error).message}`),
    });
    const error = await Array.fromAsync(stream as unknown as AsyncIterable<RenderedDelta>).catch((caught: unknown) => caught);
    expect([(error as Error).message, ends]).toEqual(["client sees: count failed", [502]]);
  }
});
