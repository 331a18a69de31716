/**
 * End-to-end (issue #7): every malformed body the schemas used to let through, and every wrongly typed optional
 * field, is a 400 whose `param` names the field, and nothing reaches the upstream (the emulator's log and its
 * conversation counter stay empty). Before, these were 500s (TypeErrors in the translators) or conversations.
 */
import { describe, expect, test } from "bun:test";
import { post } from "./harness.ts";
import { harnessWithAccount } from "./suite-harness.ts";

const suite = harnessWithAccount();

const user = { role: "user", content: "hi" };
const chat = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: "gpt-4o", messages, ...extra });
const responses = (extra: Record<string, unknown>) => ({ model: "gpt-4o", input: "hi", ...extra });

function upstreamCalls(): string[] {
  return suite.h.emulator.log.map((entry) => `${entry.method} ${entry.path}`).filter((call) => !call.startsWith("GET /_"));
}

async function send(path: string, body: unknown): Promise<{ status: number; error: { param?: unknown; type?: unknown; message?: unknown } }> {
  suite.h.emulator.reset();
  const response = await suite.h.fetch(path, post(body, suite.account.accessToken));
  const json = (await response.json()) as { error: { param?: unknown; type?: unknown; message?: unknown } };
  return { status: response.status, error: json.error };
}

async function expectRefused(path: string, body: unknown, param: string): Promise<void> {
  const { status, error } = await send(path, body);
  expect({ status, param: error?.param, type: error?.type }).toEqual({ status: 400, param, type: "invalid_request_error" });
  expect(String(error.message)).toContain(param);
  expect(suite.h.emulator.stats().conversations).toBe(0);
  expect(upstreamCalls()).toEqual([]);
}

describe("the counters can tell", () => {
  test("a well-formed chat request and a well-formed response do reach the upstream", async () => {
    const chatAnswer = await send("/v1/chat/completions", chat([user], { temperature: 0.2, stream_options: null, metadata: { a: "b" } }));
    expect(chatAnswer.status).toBe(200);
    expect(suite.h.emulator.stats().conversations).toBe(1);
    const responseAnswer = await send("/v1/responses", responses({ text: { format: { type: "text" } }, reasoning: { effort: "low" }, metadata: {} }));
    expect(responseAnswer.status).toBe(200);
    expect(suite.h.emulator.stats().conversations).toBe(1);
  }, 30_000); // the first reply loads the tokenizer
});

describe("/v1/chat/completions: malformed messages", () => {
  const assistant = (fields: Record<string, unknown>) => chat([user, { role: "assistant", ...fields }, user]);
  test.each<[string, unknown, string]>([
    ["a text part without text", chat([{ role: "user", content: [{ type: "text", text: "a" }, { type: "text" }] }]), "messages[0].content[1].text"],
    ["a text part whose text is a number", chat([{ role: "user", content: [{ type: "text", text: 7 }] }]), "messages[0].content[0].text"],
    ["a refusal part without refusal", assistant({ content: [{ type: "refusal" }] }), "messages[1].content[0].refusal"],
    ["tool_calls: [{}]", assistant({ content: null, tool_calls: [{}] }), "messages[1].tool_calls[0].type"],
    ["tool_calls: \"x\"", assistant({ content: null, tool_calls: "x" }), "messages[1].tool_calls"],
    ["a tool call without an id", assistant({ tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] }), "messages[1].tool_calls[0].id"],
    ["a tool call without arguments", assistant({ tool_calls: [{ id: "c", type: "function", function: { name: "f" } }] }), "messages[1].tool_calls[0].function.arguments"],
    ["an empty function_call", assistant({ content: null, function_call: {} }), "messages[1].function_call.name"],
    ["a tool message without tool_call_id", chat([user, { role: "tool", content: "42" }]), "messages[1].tool_call_id"],
    ["a user message without content", chat([{ role: "user" }]), "messages[0].content"],
    ["a system message without content", chat([{ role: "system" }, user]), "messages[0].content"],
    ["a message that is null", chat([null]), "messages[0]"],
    ["an unknown role", chat([{ role: "wizard", content: "hi" }]), "messages[0].role"],
    ["an image part without image_url", chat([{ role: "user", content: [{ type: "image_url" }] }]), "messages[0].content[0].image_url"],
    ["an image part without a URL", chat([{ role: "user", content: [{ type: "image_url", image_url: {} }] }]), "messages[0].content[0].image_url.url"],
    ["an image detail the spec does not know", chat([{ role: "user", content: [{ type: "image_url", image_url: { url: "https://a.example/x.png", detail: "max" } }] }]), "messages[0].content[0].image_url.detail"],
    ["a file part without file", chat([{ role: "user", content: [{ type: "file" }] }]), "messages[0].content[0].file"],
    ["an unknown content part type", chat([{ role: "user", content: [{ type: "text", text: "look" }, { type: "video_url", video_url: { url: "x" } }] }]), "messages[0].content[1].type"],
    ["an image part in a system message", chat([{ role: "system", content: [{ type: "image_url", image_url: { url: "https://a.example/x.png" } }] }, user]), "messages[0].content[0].type"],
    ["an empty content array", chat([{ role: "user", content: [] }]), "messages[0].content"],
    ["a name that is not a string", chat([{ role: "user", content: "hi", name: 5 }]), "messages[0].name"],
  ])("%s → 400 naming the field", async (_label, body, param) => {
    await expectRefused("/v1/chat/completions", body, param);
  });
});

describe("/v1/chat/completions: wrongly typed optional fields", () => {
  test.each<[string, unknown, string | null]>([
    ["stream_options", "x", null],
    ["stream_options", { include_usage: "yes" }, "stream_options.include_usage"],
    ["metadata", "x", null],
    ["metadata", { a: 1 }, "metadata.a"],
    ["temperature", "warm", null],
    ["temperature", 7, null],
    ["top_p", "x", null],
    ["presence_penalty", 9, null],
    ["frequency_penalty", "x", null],
    ["seed", "x", null],
    ["seed", 1.5, null],
    ["user", 5, null],
    ["tools", "x", null],
    ["tools", [{ type: "function" }], "tools[0].function"],
    ["tool_choice", "always", null],
    ["tool_choice", 5, null],
    ["tool_choice", { type: "function" }, "tool_choice.function"],
    ["response_format", "json", null],
    ["response_format", { type: "yaml" }, "response_format.type"],
    ["response_format", { type: "json_schema" }, "response_format.json_schema"],
    ["logit_bias", "x", null],
    ["logprobs", "x", null],
    ["top_logprobs", 50, null],
    ["parallel_tool_calls", "x", null],
    ["reasoning_effort", 3, null],
    ["verbosity", 3, null],
    ["store", "x", null],
    ["service_tier", 1, null],
    ["modalities", "text", null],
    ["prediction", "x", null],
    ["web_search_options", "x", null],
    ["audio", "x", null],
    ["functions", "x", null],
    ["function_call", 5, null],
    ["max_tokens", "100", null],
    ["max_completion_tokens", 0, null],
    ["n", "1", null],
    ["stop", 5, null],
    ["stream", "yes", null],
    ["safety_identifier", 5, null],
    ["prompt_cache_key", 5, null],
  ])("%s: %j → 400 naming it", async (field, value, param) => {
    await expectRefused("/v1/chat/completions", chat([user], { [field]: value }), param ?? field);
  });
});

describe("/v1/responses: malformed input and wrongly typed fields", () => {
  test.each<[string, Record<string, unknown>, string]>([
    ["a user item without content", { input: [{ role: "user" }] }, "input[0].content"],
    ["an input_text part without text", { input: [{ role: "user", content: [{ type: "input_text" }] }] }, "input[0].content[0].text"],
    ["an input_image part without image_url", { input: [{ role: "user", content: [{ type: "input_image" }] }] }, "input[0].content[0]"],
    ["an item that is a number", { input: [5] }, "input[0]"],
    ["stream_options", { stream_options: "x" }, "stream_options"],
    ["metadata", { metadata: "x" }, "metadata"],
    ["a metadata value", { metadata: { a: 1 } }, "metadata.a"],
    ["text", { text: "x" }, "text"],
    ["text.format", { text: { format: "json" } }, "text.format"],
    ["reasoning", { reasoning: "x" }, "reasoning"],
    ["reasoning.effort", { reasoning: { effort: 3 } }, "reasoning.effort"],
    ["tools", { tools: "x" }, "tools"],
    ["tool_choice", { tool_choice: 5 }, "tool_choice"],
    ["a tool_choice word", { tool_choice: "always" }, "tool_choice"],
    ["temperature", { temperature: "warm" }, "temperature"],
    ["top_p", { top_p: 3 }, "top_p"],
    ["user", { user: 5 }, "user"],
    ["instructions", { instructions: 5 }, "instructions"],
    ["max_output_tokens", { max_output_tokens: "10" }, "max_output_tokens"],
    ["store", { store: "no" }, "store"],
    ["parallel_tool_calls", { parallel_tool_calls: "x" }, "parallel_tool_calls"],
    ["include", { include: "x" }, "include"],
    ["truncation", { truncation: "sometimes" }, "truncation"],
    ["previous_response_id", { previous_response_id: 5 }, "previous_response_id"],
    ["background", { background: "x" }, "background"],
    ["service_tier", { service_tier: 1 }, "service_tier"],
    ["prompt_cache_key", { prompt_cache_key: 1 }, "prompt_cache_key"],
    ["conversation", { conversation: 5 }, "conversation"],
  ])("%s → 400 naming it", async (_label, extra, param) => {
    await expectRefused("/v1/responses", responses(extra), param);
  });
});
