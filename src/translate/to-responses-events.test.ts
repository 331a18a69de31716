import { pullThrough } from "../streams/pull-through.ts";
import { describe, expect, test } from "bun:test";
import type { RenderedDelta } from "./rendered-delta.ts";
import { createResponseBuilder, type ResponseBuilderOptions, type ResponseEvent, toResponsesEvents } from "./to-responses-events.ts";
import { countTextTokens } from "./usage.ts";
import { parallelCallDeltas, textThenCallDeltas } from "./__fixtures__/tool-call-deltas.ts";
import OpenAI from "openai";
import { sseResponse } from "../http/sse-response.ts";
import { silentLogger } from "../logger.ts";
import { responsesSse } from "../modules/responses/responses-sse.ts";

const MODEL = "gpt-4o-mini";

function options(): ResponseBuilderOptions {
  let next = 0;
  return {
    idFor: (first) => (first.type === "start" ? `resp_${first.messageId}` : "resp_x"),
    createdAt: 100,
    now: () => 200,
    model: MODEL,
    promptTokens: 10,
    newItemId: (kind) => `${kind}_${next++}`,
    fields: { instructions: null, metadata: {}, parallel_tool_calls: true, temperature: 1, tool_choice: "auto", tools: [], top_p: 1 },
  };
}

function run(deltas: RenderedDelta[], end = false): ResponseEvent[] {
  const builder = createResponseBuilder(options());
  return [...deltas.flatMap((delta) => builder.push(delta)), ...(end ? builder.end() : [])];
}

const start: RenderedDelta = { type: "start", conversationId: "c", messageId: "m1" };
const shell = {
  id: "resp_m1",
  object: "response",
  created_at: 100,
  error: null,
  incomplete_details: null,
  model: MODEL,
  instructions: null,
  metadata: {},
  parallel_tool_calls: true,
  temperature: 1,
  tool_choice: "auto",
  tools: [],
  top_p: 1,
};

function usage(content: string, reasoning = "") {
  const reasoningTokens = countTextTokens(reasoning, MODEL);
  const output = countTextTokens(content, MODEL) + reasoningTokens;
  return {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: 10 + output,
  };
}

describe("toResponsesEvents", () => {
  test("a text reply is the spec's event sequence, numbered from 0, ending in response.completed with usage", () => {
    const events = run([start, { type: "content", text: "Hi " }, { type: "content", text: "there" }, { type: "finish", reason: "stop" }]);
    const text = { type: "output_text", text: "Hi there", annotations: [] };
    const where = { item_id: "msg_0", output_index: 0, content_index: 0 };
    const message = { id: "msg_0", type: "message", status: "completed", role: "assistant", content: [text] };
    expect(events).toEqual([
      { type: "response.created", sequence_number: 0, response: { ...shell, status: "in_progress", completed_at: null, output: [] } },
      { type: "response.in_progress", sequence_number: 1, response: { ...shell, status: "in_progress", completed_at: null, output: [] } },
      { type: "response.output_item.added", sequence_number: 2, output_index: 0, item: { ...message, status: "in_progress", content: [] } },
      { type: "response.content_part.added", sequence_number: 3, ...where, part: { ...text, text: "" } },
      { type: "response.output_text.delta", sequence_number: 4, ...where, delta: "Hi ", logprobs: [] },
      { type: "response.output_text.delta", sequence_number: 5, ...where, delta: "there", logprobs: [] },
      { type: "response.output_text.done", sequence_number: 6, ...where, text: "Hi there", logprobs: [] },
      { type: "response.content_part.done", sequence_number: 7, ...where, part: text },
      { type: "response.output_item.done", sequence_number: 8, output_index: 0, item: message },
      {
        type: "response.completed",
        sequence_number: 9,
        response: { ...shell, status: "completed", completed_at: 200, output: [message], usage: usage("Hi there") },
      },
    ] as unknown as ResponseEvent[]);
  });

  test.each([
    ["stop", "response.completed", "completed", "completed", null],
    ["length", "response.incomplete", "incomplete", "incomplete", { reason: "max_output_tokens" }],
    ["content_filter", "response.incomplete", "incomplete", "incomplete", { reason: "content_filter" }],
  ] as const)("finish %s → %s with status %s, the message %s, and its incomplete_details", (reason, type, status, itemStatus, details) => {
    const last = run([start, { type: "content", text: "x" }, { type: "finish", reason }]).at(-1);
    const response = last && "response" in last ? last.response : null;
    expect([last?.type, response?.status, response?.incomplete_details, response?.output[0]?.type === "message" ? response.output[0].status : null]).toEqual([
      type,
      status,
      details,
      itemStatus,
    ]);
  });

  test("reasoning is a reasoning item with one summary part, closed before the message opens", () => {
    const events = run([start, { type: "reasoning", text: "Think" }, { type: "reasoning", text: "ing." }, { type: "content", text: "Done" }, { type: "finish", reason: "stop" }]);
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const last = events.at(-1);
    expect(last?.type === "response.completed" ? last.response : null).toEqual({
      ...shell,
      status: "completed",
      completed_at: 200,
      output: [
        { id: "rs_0", type: "reasoning", summary: [{ type: "summary_text", text: "Thinking." }] },
        { id: "msg_1", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Done", annotations: [] }] },
      ],
      usage: usage("Done", "Thinking."),
    } as never);
  });

  test("reasoning after text closes the message and opens new items: output keeps the order", () => {
    const last = run([start, { type: "content", text: "a" }, { type: "reasoning", text: "r" }, { type: "content", text: "b" }, { type: "finish", reason: "stop" }]).at(-1);
    const output = last?.type === "response.completed" ? last.response.output.map((item) => [item.type, item.id]) : null;
    expect(output).toEqual([
      ["message", "msg_0"],
      ["reasoning", "rs_1"],
      ["message", "msg_2"],
    ]);
  });

  test("a refusal after text is a second content part of the same message", () => {
    const events = run([start, { type: "content", text: "a" }, { type: "refusal", text: "No." }, { type: "finish", reason: "content_filter" }]);
    expect(events.filter((event) => event.type.startsWith("response.refusal"))).toEqual([
      { type: "response.refusal.delta", sequence_number: 8, item_id: "msg_0", output_index: 0, content_index: 1, delta: "No." },
      { type: "response.refusal.done", sequence_number: 9, item_id: "msg_0", output_index: 0, content_index: 1, refusal: "No." },
    ]);
    const last = events.at(-1);
    expect(last?.type === "response.incomplete" && last.response.output[0]?.type === "message" ? last.response.output[0].content : null).toEqual([
      { type: "output_text", text: "a", annotations: [] },
      { type: "refusal", refusal: "No." },
    ]);
  });

  test("a failure after the start closes the open item, then an error event (flat and nested) and response.failed", () => {
    const events = run([start, { type: "content", text: "partial" }, { type: "failed", message: "cut" }, { type: "content", text: "ignored" }]);
    const message = "The upstream failed while streaming: cut";
    expect(events.slice(-3)).toEqual([
      {
        type: "response.output_item.done",
        sequence_number: 7,
        output_index: 0,
        item: { id: "msg_0", type: "message", status: "incomplete", role: "assistant", content: [{ type: "output_text", text: "partial", annotations: [] }] },
      },
      {
        type: "error",
        sequence_number: 8,
        code: "server_error",
        message,
        param: null,
        error: { type: "server_error", code: "server_error", message, param: null },
      },
      {
        type: "response.failed",
        sequence_number: 9,
        response: {
          ...shell,
          status: "failed",
          completed_at: null,
          error: { code: "server_error", message },
          output: [{ id: "msg_0", type: "message", status: "incomplete", role: "assistant", content: [{ type: "output_text", text: "partial", annotations: [] }] }],
          usage: usage("partial"),
        },
      },
    ] as unknown as ResponseEvent[]);
  });

  test("a reply that ends without a finish fails instead of completing", async () => {
    const stream = pullThrough(
      new ReadableStream<RenderedDelta>({
        start(controller) {
          controller.enqueue(start);
          controller.enqueue({ type: "content", text: "half" });
          controller.close();
        },
      }),
      toResponsesEvents(options()),
    );
    const types = (await Array.fromAsync(stream as unknown as AsyncIterable<ResponseEvent>)).map((event) => event.type);
    expect(types.slice(-2)).toEqual(["error", "response.failed"]);
  });

  test("the id is asked once, with the first delta", () => {
    const seen: RenderedDelta[] = [];
    const builder = createResponseBuilder({ ...options(), idFor: (first) => (seen.push(first), "resp_once") });
    const events = [start, { type: "content", text: "x" } as const, { type: "finish", reason: "stop" } as const].flatMap((delta) => builder.push(delta));
    expect(seen).toEqual([start]);
    expect(events.flatMap((event) => ("response" in event ? [event.response.id] : []))).toEqual(["resp_once", "resp_once", "resp_once"]);
  });

  describe("function calls", () => {
    const lastResponse = (events: ResponseEvent[]) => {
      const last = events.at(-1);
      return last && "response" in last ? last.response : null;
    };
    const call = (id: string, callId: string, name: string, args: string, status = "completed") => ({ id, type: "function_call", status, arguments: args, call_id: callId, name });

    test("one call is a function_call item: added, argument deltas, arguments done, item done; the response completes", () => {
      const events = run([
        start,
        { type: "tool-call-start", index: 0, callId: "call_1", name: "get_weather" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
        { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
        { type: "tool-call-end", index: 0, arguments: '{"city":"Paris"}' },
        { type: "finish", reason: "tool_calls" },
      ]);
      const done = call("fc_1", "call_1", "get_weather", '{"city":"Paris"}');
      const where = { item_id: "fc_1", output_index: 0 };
      expect(events.slice(2)).toEqual([
        { type: "response.output_item.added", sequence_number: 2, output_index: 0, item: call("fc_1", "call_1", "get_weather", "", "in_progress") },
        { type: "response.function_call_arguments.delta", sequence_number: 3, ...where, delta: '{"city":' },
        { type: "response.function_call_arguments.delta", sequence_number: 4, ...where, delta: '"Paris"}' },
        { type: "response.function_call_arguments.done", sequence_number: 5, ...where, arguments: '{"city":"Paris"}', name: "get_weather" },
        { type: "response.output_item.done", sequence_number: 6, output_index: 0, item: done },
        {
          type: "response.completed",
          sequence_number: 7,
          response: { ...shell, status: "completed", completed_at: 200, output: [done], usage: usage('get_weather{"city":"Paris"}') },
        },
      ] as unknown as ResponseEvent[]);
    });

    test("a call the reply never finished (its block broke part-way) is closed incomplete, not completed", () => {
      const events = run([
        start,
        { type: "tool-call-start", index: 0, callId: "call_b", name: "get_weather" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
        { type: "content", text: "<tool_call>{broken" },
        { type: "finish", reason: "stop" },
      ]);
      const done = events.find((event) => event.type === "response.output_item.done" && event.item.type === "function_call");
      expect(done && "item" in done ? (done.item as { status?: string }).status : null).toBe("incomplete");
    });

    test("a freeform tool's call is a custom_tool_call item whose input streams as custom_tool_call_input", () => {
      const patch = "*** Begin Patch\n*** End Patch";
      const events = run([
        start,
        { type: "tool-call-start", index: 0, callId: "call_p", name: "apply_patch", custom: true },
        { type: "tool-call-delta", index: 0, argumentsDelta: "*** Begin Patch\n" },
        { type: "tool-call-delta", index: 0, argumentsDelta: "*** End Patch" },
        { type: "tool-call-end", index: 0, arguments: patch },
        { type: "finish", reason: "tool_calls" },
      ]);
      const where = { item_id: "fc_p", output_index: 0 };
      const done = { id: "fc_p", type: "custom_tool_call", input: patch, call_id: "call_p", name: "apply_patch" };
      expect(events.slice(2, 7)).toEqual([
        { type: "response.output_item.added", sequence_number: 2, output_index: 0, item: { ...done, input: "" } },
        { type: "response.custom_tool_call_input.delta", sequence_number: 3, ...where, delta: "*** Begin Patch\n" },
        { type: "response.custom_tool_call_input.delta", sequence_number: 4, ...where, delta: "*** End Patch" },
        { type: "response.custom_tool_call_input.done", sequence_number: 5, ...where, input: patch },
        { type: "response.output_item.done", sequence_number: 6, output_index: 0, item: done },
      ] as unknown as ResponseEvent[]);
    });

    test("parallel calls with interleaved fragments: one item each, deltas addressed by item and output index", () => {
      const events = run(parallelCallDeltas);
      const addressed = events.flatMap((event) =>
        event.type.startsWith("response.function_call_arguments") || event.type.startsWith("response.output_item")
          ? [[event.type, "item_id" in event ? event.item_id : "item" in event ? event.item.id : null, "output_index" in event ? event.output_index : null]]
          : [],
      );
      expect(addressed).toEqual([
        ["response.output_item.added", "rs_0", 0],
        ["response.output_item.done", "rs_0", 0],
        ["response.output_item.added", "fc_A", 1],
        ["response.output_item.added", "fc_B", 2],
        ["response.function_call_arguments.delta", "fc_A", 1],
        ["response.function_call_arguments.delta", "fc_B", 2],
        ["response.function_call_arguments.delta", "fc_A", 1],
        ["response.function_call_arguments.delta", "fc_B", 2],
        ["response.function_call_arguments.done", "fc_A", 1],
        ["response.output_item.done", "fc_A", 1],
        ["response.function_call_arguments.done", "fc_B", 2],
        ["response.output_item.done", "fc_B", 2],
      ]);
      const response = lastResponse(events);
      expect(response?.output.slice(1)).toEqual([
        call("fc_A", "call_A", "get_weather", '{"city":"Paris"}'),
        call("fc_B", "call_B", "get_time", '{"zone":"Europe/Paris"}'),
      ] as never);
      // the upstream counted it: its numbers, cached and reasoning tokens included
      expect([response?.status, response?.usage]).toEqual([
        "completed",
        { input_tokens: 90, input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 8 }, total_tokens: 120 },
      ]);
    });

    test("text then a call: the message is closed before the call's item opens", () => {
      const response = lastResponse(run(textThenCallDeltas));
      expect(response?.output).toEqual([
        { id: "msg_0", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
        call("fc_1", "call_1", "ls", '{"path":"."}'),
      ] as never);
    });

    test("a call still open when the reply is cut is closed incomplete with what arrived", () => {
      const events = run([
        start,
        { type: "tool-call-start", index: 0, callId: "call_1", name: "f" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"a"' },
        { type: "finish", reason: "length" },
      ]);
      expect(events.slice(-3).map((event) => event.type)).toEqual(["response.function_call_arguments.done", "response.output_item.done", "response.incomplete"]);
      expect(lastResponse(events)?.output).toEqual([call("fc_1", "call_1", "f", '{"a"', "incomplete")] as never);
    });

    test("the upstream's items (Codex) close what the stream announced, under the announced ids; unannounced ones are added", () => {
      const reasoningItem = { id: "rs_up1", type: "reasoning", summary: [{ type: "summary_text", text: "Look it up." }], encrypted_content: "gAAAA-1" };
      const silentReasoning = { id: "rs_up2", type: "reasoning", summary: [], encrypted_content: "gAAAA-2" };
      const upstreamCall = { id: "fc_up", type: "function_call", status: "completed", arguments: '{"q":1}', call_id: "call_9", name: "search" };
      const events = run([
        start,
        { type: "reasoning", text: "Look it up." },
        { type: "output-item", item: reasoningItem },
        { type: "content", text: "One moment." },
        { type: "output-item", item: { id: "msg_up", type: "message", role: "assistant", content: [{ type: "output_text", text: "One moment.", annotations: [] }] } },
        { type: "output-item", item: silentReasoning },
        { type: "tool-call-start", index: 0, callId: "call_9", name: "search" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"q":1}' },
        { type: "tool-call-end", index: 0, arguments: '{"q":1}' },
        { type: "output-item", item: upstreamCall },
        { type: "finish", reason: "tool_calls", usage: { promptTokens: 5, cachedTokens: 0, completionTokens: 9, reasoningTokens: 4 } },
      ]);
      const done = events.flatMap((event) => (event.type === "response.output_item.done" ? [event.item] : []));
      const message = { id: "msg_1", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "One moment.", annotations: [] }] };
      const expected = [{ ...reasoningItem, id: "rs_0" }, message, silentReasoning, { ...upstreamCall, id: "fc_9" }];
      expect(done).toEqual(expected as never);
      expect(lastResponse(events)?.output).toEqual(expected as never);
      // the item nothing announced is added whole, at the output index it takes
      expect(events.filter((event) => "item" in event && event.item.id === "rs_up2").map((event) => [event.type, "output_index" in event ? event.output_index : null])).toEqual([
        ["response.output_item.added", 2],
        ["response.output_item.done", 2],
      ]);
    });
  });

  test("the openai SDK's Responses stream helper accepts the events and ends with the calls", async () => {
    const fetch = async (): Promise<Response> => {
      const source = new ReadableStream<RenderedDelta>({
        start(controller) {
          for (const delta of parallelCallDeltas) controller.enqueue(delta);
          controller.close();
        },
      });
      return sseResponse(pullThrough(source, toResponsesEvents(options())), { headers: {}, logger: silentLogger, dialect: responsesSse() });
    };
    const client = new OpenAI({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1", fetch, maxRetries: 0 });
    const stream = client.responses.stream({ model: MODEL, input: "hi" });
    const snapshots: string[] = [];
    stream.on("response.function_call_arguments.delta", (event) => snapshots.push(event.snapshot));
    const response = await stream.finalResponse();
    expect(snapshots).toEqual(['{"ci', '{"zone":', '{"city":"Paris"}', '{"zone":"Europe/Paris"}']);
    expect(response.output.flatMap((item) => (item.type === "function_call" ? [[item.call_id, item.name, item.arguments]] : []))).toEqual([
      ["call_A", "get_weather", '{"city":"Paris"}'],
      ["call_B", "get_time", '{"zone":"Europe/Paris"}'],
    ]);
  });
});
