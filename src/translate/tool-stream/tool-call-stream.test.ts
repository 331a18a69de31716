/** The stream wrapper: content through the parser, every other delta as it comes, the finish reason of a reply with calls. */
import { describe, expect, test } from "bun:test";
import { runTransform } from "../__fixtures__/run-transform.ts";
import type { RenderedDelta } from "../rendered-delta.ts";
import { declaredTools } from "./__fixtures__/tool-reply-cases.ts";
import { toolCallStream } from "./tool-call-stream.ts";

const ids = (): (() => string) => {
  let next = 0;
  return () => `call_${String(++next).padStart(24, "0")}`;
};
const start: RenderedDelta = { type: "start", conversationId: "c", messageId: "m" };

describe("toolCallStream", () => {
  test("a reply that ends in calls finishes with tool_calls; other deltas pass in order", async () => {
    const out = await runTransform(toolCallStream({ tools: declaredTools, newCallId: ids() }), [
      start,
      { type: "reasoning", text: "Weather first." },
      { type: "content", text: "Checking.<tool_call>{\"name\": \"get_weather\", " },
      { type: "message-id", messageId: "m2", conversationId: "c" },
      { type: "content", text: '"arguments": {"city": "Paris"}}</tool_call> done' },
      { type: "finish", reason: "stop", tokens: { content: 3, reasoning: 2 } },
    ]);
    expect(out).toEqual([
      start,
      { type: "reasoning", text: "Weather first." },
      { type: "content", text: "Checking." },
      { type: "message-id", messageId: "m2", conversationId: "c" },
      { type: "tool-call-start", index: 0, callId: "call_000000000000000000000001", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city": "Paris"}' },
      { type: "tool-call-end", index: 0, arguments: '{"city": "Paris"}' },
      { type: "finish", reason: "tool_calls", tokens: { content: 3, reasoning: 2 } },
    ]);
  });

  test("a reply without calls keeps its finish reason, and what was held comes out before it", async () => {
    const out = await runTransform(toolCallStream({ tools: declaredTools }), [start, { type: "content", text: "a <tool" }, { type: "finish", reason: "stop" }]);
    expect(out).toEqual([start, { type: "content", text: "a " }, { type: "content", text: "<tool" }, { type: "finish", reason: "stop" }]);
  });

  test("a cut reply keeps length even with a call before the cut", async () => {
    const out = await runTransform(toolCallStream({ tools: declaredTools, newCallId: ids() }), [
      { type: "content", text: '<tool_call>{"name": "get_time", "arguments": {}}</tool_call><tool_call>{"name": "get_w' },
      { type: "finish", reason: "length" },
    ]);
    expect(out.at(-1)).toEqual({ type: "finish", reason: "length" });
    expect(out.filter((delta) => delta.type === "tool-call-end")).toEqual([{ type: "tool-call-end", index: 0, arguments: "{}" }]);
  });

  test("a failed reply gives back what was held, then fails", async () => {
    const out = await runTransform(toolCallStream({ tools: declaredTools }), [start, { type: "content", text: "a <tool_ca" }, { type: "failed", message: "cut" }]);
    expect(out).toEqual([start, { type: "content", text: "a " }, { type: "content", text: "<tool_ca" }, { type: "failed", message: "cut" }]);
  });

  test("a stream that closes without finishing still gives back its text", async () => {
    const out = await runTransform(toolCallStream({ tools: declaredTools }), [{ type: "content", text: "x<t" }]);
    expect(out).toEqual([{ type: "content", text: "x" }, { type: "content", text: "<t" }]);
  });
});
