import { describe, expect, test } from "bun:test";
import type { CodexEvent, CodexUsage } from "./events.ts";
import { codexErrorFromFailure, retryDelayFromMessage } from "./failure-error.ts";
import { createCodexStreamDecoder } from "./stream-decoder.ts";

/** Feeds the events (objects, or raw data text) and closes; returns everything emitted. */
function run(events: Array<object | string>, close = true): CodexEvent[] {
  const decoder = createCodexStreamDecoder();
  const out = events.flatMap((event) => decoder.feed(typeof event === "string" ? event : JSON.stringify(event)));
  return close ? [...out, ...decoder.close()] : out;
}

const created = { type: "response.created", response: { id: "resp_1", model: "gpt-5.5" } };
const start: CodexEvent = { type: "start", responseId: "resp_1", model: "gpt-5.5" };
const zero: CodexUsage = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
const completed = { type: "response.completed", response: { id: "resp_1", usage: null } };

describe("createCodexStreamDecoder", () => {
  test("argument deltas without item_id are matched by output_index", () => {
    expect(
      run([
        created,
        { type: "response.output_item.added", output_index: 3, item: { type: "function_call", call_id: "call_1", name: "f", arguments: "" } },
        { type: "response.function_call_arguments.delta", output_index: 3, delta: '{"a":' },
        { type: "response.function_call_arguments.delta", output_index: 3, delta: "1}" },
        { type: "response.output_item.done", output_index: 3, item: { type: "function_call", call_id: "call_1", name: "f", arguments: '{"a":1}' } },
        completed,
      ]),
    ).toEqual([
      start,
      { type: "tool-call-start", index: 0, callId: "call_1", name: "f" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"a":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: "1}" },
      { type: "tool-call-end", index: 0, arguments: '{"a":1}' },
      { type: "output-item", item: { type: "function_call", call_id: "call_1", name: "f", arguments: '{"a":1}' } },
      { type: "finish", reason: "tool_calls", usage: zero },
    ]);
  });

  test("a call seen only at output_item.done is started, filled and ended there", () => {
    const item = { type: "function_call", id: "fc_9", call_id: "call_9", name: "g", arguments: "{}" };
    expect(run([created, { type: "response.output_item.done", output_index: 0, item }, completed])).toEqual([
      start,
      { type: "tool-call-start", index: 0, callId: "call_9", name: "g" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "{}" },
      { type: "tool-call-end", index: 0, arguments: "{}" },
      { type: "output-item", item },
      { type: "finish", reason: "tool_calls", usage: zero },
    ]);
  });

  test("partial deltas are completed from function_call_arguments.done when the item lacks arguments", () => {
    const events = run([
      created,
      { type: "response.output_item.added", output_index: 0, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f" } },
      { type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 0, delta: '{"q":"' },
      { type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 0, arguments: '{"q":"x"}' },
      { type: "response.output_item.done", output_index: 0, item: { type: "function_call", id: "fc_1", call_id: "call_1", name: "f" } },
      completed,
    ]);
    expect(events.filter((event) => event.type === "tool-call-delta" || event.type === "tool-call-end")).toEqual([
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"q":"' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'x"}' },
      { type: "tool-call-end", index: 0, arguments: '{"q":"x"}' },
    ]);
  });

  test("custom tool calls are marked custom and stream their input as argument deltas", () => {
    const item = { type: "custom_tool_call", id: "ctc_1", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch" };
    const events = run([
      created,
      { type: "response.output_item.added", output_index: 0, item: { ...item, input: "" } },
      { type: "response.custom_tool_call_input.delta", item_id: "ctc_1", output_index: 0, delta: "*** Begin" },
      { type: "response.custom_tool_call_input.delta", item_id: "ctc_1", output_index: 0, delta: " Patch" },
      { type: "response.output_item.done", output_index: 0, item },
      completed,
    ]);
    expect(events.slice(1, 5)).toEqual([
      { type: "tool-call-start", index: 0, callId: "call_p", name: "apply_patch", custom: true },
      { type: "tool-call-delta", index: 0, argumentsDelta: "*** Begin" },
      { type: "tool-call-delta", index: 0, argumentsDelta: " Patch" },
      { type: "tool-call-end", index: 0, arguments: "*** Begin Patch" },
    ]);
  });

  test("refusal deltas are refusal events; the finish stays stop", () => {
    expect(run([created, { type: "response.refusal.delta", delta: "I can't help" }, completed])).toEqual([
      start,
      { type: "refusal", text: "I can't help" },
      { type: "finish", reason: "stop", usage: zero },
    ]);
  });

  test("response.incomplete for content_filter finishes with content_filter", () => {
    expect(run([created, { type: "response.incomplete", response: { incomplete_details: { reason: "content_filter" } } }]).at(-1)).toEqual({
      type: "finish",
      reason: "content_filter",
      usage: zero,
    });
  });

  test("the summaries of two reasoning items read as separate paragraphs", () => {
    const delta = (item: string, index: number, text: string) => ({ type: "response.reasoning_summary_text.delta", item_id: item, summary_index: index, delta: text });
    expect(run([created, delta("rs_1", 0, "First."), delta("rs_2", 0, "Second."), delta("rs_2", 0, " More.")], false)).toEqual([
      start,
      { type: "reasoning", text: "First." },
      { type: "reasoning", text: "\n\nSecond." },
      { type: "reasoning", text: " More." },
    ]);
  });

  test("an error event with its fields at the top level", () => {
    expect(run([created, { type: "error", code: "context_length_exceeded", message: "Your input exceeds the context window." }])).toEqual([
      start,
      { type: "failed", code: "context_length_exceeded", message: "Your input exceeds the context window." },
    ]);
  });

  test("nothing is emitted after a terminal event, not even a close failure", () => {
    expect(run([created, completed, { type: "response.output_text.delta", delta: "late" }])).toEqual([start, { type: "finish", reason: "stop", usage: zero }]);
  });

  test("a malformed event after start fails the stream", () => {
    expect(run([created, "{not json"])).toEqual([start, { type: "failed", code: null, message: "The Codex backend sent an event that is not a JSON object" }]);
  });

  test("metadata events (codex.rate_limits, content parts) emit nothing", () => {
    expect(run([created, { type: "codex.rate_limits", rate_limits: {} }, { type: "response.content_part.added", part: {} }], false)).toEqual([start]);
  });

  test("usage maps input, cached, output and reasoning tokens", () => {
    const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 60 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 25 }, total_tokens: 140 };
    expect(run([created, { type: "response.completed", response: { usage } }]).at(-1)).toEqual({
      type: "finish",
      reason: "stop",
      usage: { inputTokens: 100, cachedTokens: 60, outputTokens: 40, reasoningTokens: 25 },
    });
  });
});

describe("codexErrorFromFailure", () => {
  test.each<[string | null, string, string]>([
    ["usage_limit_reached", "limit", "usage-limit"],
    ["insufficient_quota", "quota", "usage-limit"],
    ["usage_not_included", "plan", "forbidden"],
    ["rate_limit_exceeded", "Please try again in 1.5s.", "rate-limited"],
    ["server_is_overloaded", "busy", "server"],
    ["slow_down", "slow", "server"],
    ["context_length_exceeded", "too long", "bad-request"],
    ["invalid_encrypted_content", "foreign blob", "bad-request"],
    ["cyber_policy", "refused", "bad-request"],
    ["something_new", "?", "stream"],
    [null, "closed", "stream"],
  ])("%p → %s… → %s", (code, message, kind) => {
    expect(codexErrorFromFailure({ code, message }, 0).kind).toBe(kind as ReturnType<typeof codexErrorFromFailure>["kind"]);
  });

  test.each<[string, number | null]>([
    ["Rate limit reached. Please try again in 1.5s.", 1.5],
    ["Please try again in 2 seconds", 2],
    ["try again in 250ms", 0.25],
    ["Please retry later.", null],
  ])("retry delay of %p is %p", (message, seconds) => {
    expect(retryDelayFromMessage(message)).toBe(seconds);
  });
});
