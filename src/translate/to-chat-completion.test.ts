import { describe, expect, test } from "bun:test";
import { ReplyFailedError } from "./translate-errors.ts";
import type { RenderedDelta } from "./rendered-delta.ts";
import { toChatCompletion } from "./to-chat-completion.ts";
import { parallelCallDeltas, textThenCallDeltas } from "./__fixtures__/tool-call-deltas.ts";

const options = { id: "chatcmpl-1", created: 1745000000, model: "gpt-4o", promptTokens: 9 };
const start: RenderedDelta = { type: "start", conversationId: "c", messageId: "m" };

function usage(completion: number, reasoning = 0) {
  return {
    prompt_tokens: 9,
    completion_tokens: completion,
    total_tokens: 9 + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

describe("toChatCompletion", () => {
  test("joins content and reasoning, keeps the finish reason, counts usage", () => {
    const deltas: RenderedDelta[] = [
      start,
      { type: "reasoning", text: "hello" },
      { type: "content", text: "hello" },
      { type: "content", text: " world" },
      { type: "finish", reason: "length" },
    ];
    expect(toChatCompletion(deltas, options) as unknown).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1745000000,
      model: "gpt-4o",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "hello world", refusal: null, reasoning_content: "hello" },
          logprobs: null,
          finish_reason: "length",
        },
      ],
      usage: usage(3, 1),
    });
  });

  test("a refusal has null content and the content_filter reason", () => {
    const completion = toChatCompletion([start, { type: "refusal", text: "No." }, { type: "finish", reason: "content_filter" }], options);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: "assistant", content: null, refusal: "No." }, logprobs: null, finish_reason: "content_filter" },
    ]);
  });

  test.each<[string, RenderedDelta[]]>([
    ["a failed reply", [start, { type: "content", text: "Par" }, { type: "failed", message: "boom" }]],
    ["a reply without finish", [start, { type: "content", text: "Par" }]],
  ])("%s throws a 502, never a 200 with partial text", (_name, deltas) => {
    expect(() => toChatCompletion(deltas, options)).toThrow(ReplyFailedError);
  });

  test("a reply of one call: tool_calls with id, type, name and whole arguments, content null, finish tool_calls", () => {
    const completion = toChatCompletion(
      [
        start,
        { type: "tool-call-start", index: 0, callId: "call_1", name: "get_weather" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
        { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
        { type: "tool-call-end", index: 0, arguments: '{"city":"Paris"}' },
        { type: "output-item", item: { type: "function_call", call_id: "call_1" } },
        { type: "finish", reason: "tool_calls" },
      ],
      options,
    );
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ]);
  });

  test("parallel calls in index order, each with its own arguments; the upstream's usage wins", () => {
    const completion = toChatCompletion(parallelCallDeltas, options);
    expect([completion.choices[0]?.message, completion.choices[0]?.finish_reason] as unknown[]).toEqual([
      {
        role: "assistant",
        content: null,
        refusal: null,
        reasoning_content: "Two lookups.",
        tool_calls: [
          { id: "call_A", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_B", type: "function", function: { name: "get_time", arguments: '{"zone":"Europe/Paris"}' } },
        ],
      },
      "tool_calls",
    ]);
    expect(completion.usage).toEqual({
      prompt_tokens: 90,
      completion_tokens: 30,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 10, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 8, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  test("text then a call keeps both; the call's arguments are the end's when the deltas fell short", () => {
    const deltas = textThenCallDeltas.map((delta): RenderedDelta => (delta.type === "tool-call-delta" ? { ...delta, argumentsDelta: '{"pa' } : delta));
    const { message } = toChatCompletion(deltas, options).choices[0] ?? {};
    expect([message?.content, message?.tool_calls]).toEqual(["Checking.", [{ id: "call_1", type: "function", function: { name: "ls", arguments: '{"path":"."}' } }]]);
  });

  test("without the upstream's usage, a call's name and arguments count as completion tokens", () => {
    const completion = toChatCompletion(
      [start, { type: "tool-call-start", index: 0, callId: "c", name: "hello" }, { type: "tool-call-end", index: 0, arguments: " world" }, { type: "finish", reason: "tool_calls" }],
      options,
    );
    expect(completion.usage).toEqual(usage(2));
  });
});
