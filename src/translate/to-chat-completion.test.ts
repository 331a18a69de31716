import { describe, expect, test } from "bun:test";
import { UpstreamFailureError } from "../errors.ts";
import type { RenderedDelta } from "./rendered-delta.ts";
import { toChatCompletion } from "./to-chat-completion.ts";

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
    expect(() => toChatCompletion(deltas, options)).toThrow(UpstreamFailureError);
  });
});
