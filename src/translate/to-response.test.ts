import { pullThrough } from "../streams/pull-through.ts";
import { describe, expect, test } from "bun:test";
import { ReplyFailedError } from "./translate-errors.ts";
import type { RenderedDelta } from "./rendered-delta.ts";
import { toResponse } from "./to-response.ts";
import { upstreamUsage } from "./__fixtures__/tool-call-deltas.ts";
import { type ResponseBuilderOptions, type ResponseEvent, toResponsesEvents } from "./to-responses-events.ts";

function options(): ResponseBuilderOptions {
  let next = 0;
  return {
    idFor: () => "resp_1",
    createdAt: 100,
    now: () => 200,
    model: "gpt-4o-mini",
    promptTokens: 7,
    newItemId: (kind) => `${kind}_${next++}`,
    fields: { instructions: "Be brief.", metadata: { a: "b" }, parallel_tool_calls: true, temperature: 0.5, tool_choice: "auto", tools: [], top_p: 1 },
  };
}

const reply: RenderedDelta[] = [
  { type: "start", conversationId: null, messageId: "m" },
  { type: "reasoning", text: "Hmm." },
  { type: "content", text: "Answer" },
  { type: "finish", reason: "length" },
];

describe("toResponse", () => {
  test("equals the response of the stream's final event for the same deltas", async () => {
    const stream = pullThrough(
      new ReadableStream<RenderedDelta>({
        start(controller) {
          for (const delta of reply) controller.enqueue(delta);
          controller.close();
        },
      }),
      toResponsesEvents(options()),
    );
    const last = (await Array.fromAsync(stream as unknown as AsyncIterable<ResponseEvent>)).at(-1);
    expect(last?.type).toBe("response.incomplete");
    expect(toResponse(reply, options())).toEqual(last && "response" in last ? last.response : ({} as never));
  });

  test.each<[string, RenderedDelta[], string]>([
    ["a failed delta", [reply[0] as RenderedDelta, { type: "content", text: "x" }, { type: "failed", message: "cut" }], "The upstream failed while answering: cut"],
    ["no finish", [reply[0] as RenderedDelta, { type: "content", text: "x" }], "The upstream ended the reply without finishing it."],
  ])("%s is a failure (502 upstream_stream_failed at the edge), never a response", (_label, deltas, message) => {
    let caught: unknown = null;
    try {
      toResponse(deltas, options());
    } catch (error) {
      caught = error;
    }
    expect(caught instanceof ReplyFailedError ? caught.message : caught).toEqual(message);
  });

  test("a Codex reply of reasoning and a call: completed, the reasoning's encrypted_content and the call in the output, the upstream's usage", () => {
    const reasoning = { id: "rs_up", type: "reasoning", summary: [{ type: "summary_text", text: "Plan." }], encrypted_content: "gAAAA-x" };
    const response = toResponse(
      [
        { type: "start", conversationId: null, messageId: "resp_up" },
        { type: "reasoning", text: "Plan." },
        { type: "output-item", item: reasoning },
        { type: "tool-call-start", index: 0, callId: "call_7", name: "shell" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"command":["touch","hello.txt"]}' },
        { type: "tool-call-end", index: 0, arguments: '{"command":["touch","hello.txt"]}' },
        { type: "output-item", item: { id: "fc_up", type: "function_call", status: "completed", arguments: '{"command":["touch","hello.txt"]}', call_id: "call_7", name: "shell" } },
        { type: "finish", reason: "tool_calls", usage: upstreamUsage },
      ],
      options(),
    );
    expect([response.status, response.output, response.usage] as unknown[]).toEqual([
      "completed",
      [
        { ...reasoning, id: "rs_0" },
        { id: "fc_7", type: "function_call", status: "completed", arguments: '{"command":["touch","hello.txt"]}', call_id: "call_7", name: "shell" },
      ],
      { input_tokens: 90, input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 8 }, total_tokens: 120 },
    ] as unknown[]);
  });
});
