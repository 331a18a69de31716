import { describe, expect, test } from "bun:test";
import type { ResponseCreateParams } from "openai/resources/responses/responses";
import type { CreateResponseRequest } from "../../modules/responses/model.ts";
import type { CodexRequestBody, CodexRequestInvalid } from "./codex-body.ts";
import { parseCodexModels } from "./models.ts";
import { responsesToCodex, type ResponsesRequestForCodex } from "./responses-to-codex.ts";

// The server's validated request and the openai package's params are both accepted as they are.
const _fromServer = (request: CreateResponseRequest) => responsesToCodex(request);
const _fromSdk = (request: ResponseCreateParams & { model: string; input: string | unknown[] }) => responsesToCodex(request);

function convert(request: Partial<ResponsesRequestForCodex> & Record<string, unknown>) {
  return responsesToCodex({ model: "gpt-5.5", input: "Hi", ...request } as ResponsesRequestForCodex);
}

function body(request: Partial<ResponsesRequestForCodex> & Record<string, unknown>): CodexRequestBody {
  const result = convert(request);
  if (!result.ok) throw new Error(result.error.message);
  return result.body;
}

function error(request: Partial<ResponsesRequestForCodex> & Record<string, unknown>): CodexRequestInvalid {
  const result = convert(request);
  if (result.ok) throw new Error("expected a validation error");
  return result.error;
}

describe("responsesToCodex: always", () => {
  test("a string input becomes one user message; instructions present; store false, stream true; encrypted reasoning included", () => {
    expect(body({ stream: false, store: true })).toEqual({
      model: "gpt-5.5",
      instructions: "",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] }],
      include: ["reasoning.encrypted_content"],
      store: false,
      stream: true,
    });
  });

  test("the caller's instructions pass", () => {
    expect(body({ instructions: "You are Codex." }).instructions).toBe("You are Codex.");
  });
});

describe("responsesToCodex: input items", () => {
  test.each<[string, unknown[], CodexRequestBody["input"]]>([
    [
      "easy messages (role and string content) get a type and content parts by role",
      [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
      ],
      [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "Be brief." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello" }] },
      ],
    ],
    [
      "message ids are stripped; output_text loses annotations and logprobs",
      [
        {
          type: "message",
          id: "msg_1",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Hello", annotations: [], logprobs: [] }],
        },
      ],
      [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hello" }] }],
    ],
    [
      "images keep their URL and detail",
      [{ type: "message", role: "user", content: [{ type: "input_text", text: "What?" }, { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" }] }],
      [{ type: "message", role: "user", content: [{ type: "input_text", text: "What?" }, { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" }] }],
    ],
    [
      "function_call and function_call_output keep everything but their id",
      [
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "shell", arguments: '{"command":["ls"]}', status: "completed" },
        { type: "function_call_output", id: "fco_1", call_id: "call_1", output: "hello.txt" },
      ],
      [
        { type: "function_call", call_id: "call_1", name: "shell", arguments: '{"command":["ls"]}', status: "completed" },
        { type: "function_call_output", call_id: "call_1", output: "hello.txt" },
      ],
    ],
    [
      "a reasoning item travels by its encrypted content, without its id",
      [{ type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Thinking" }], encrypted_content: "gAAAA-blob" }],
      [{ type: "reasoning", summary: [{ type: "summary_text", text: "Thinking" }], encrypted_content: "gAAAA-blob" }],
    ],
    ["a reasoning item without encrypted content is left out (only its id could name it)", [{ type: "reasoning", id: "rs_2", summary: [] }, { role: "user", content: "Go" }], [
      { type: "message", role: "user", content: [{ type: "input_text", text: "Go" }] },
    ]],
    [
      "other items (custom tool calls, shell calls) pass without their id",
      [
        { type: "custom_tool_call", id: "ctc_1", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch" },
        { type: "custom_tool_call_output", call_id: "call_p", output: "Done" },
      ],
      [
        { type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch" },
        { type: "custom_tool_call_output", call_id: "call_p", output: "Done" },
      ],
    ],
  ])("%s", (_name, input, expected) => {
    expect(body({ input }).input).toEqual(expected);
  });

  test.each<[string, Partial<ResponsesRequestForCodex> & Record<string, unknown>, CodexRequestInvalid]>([
    [
      "previous_response_id",
      { previous_response_id: "resp_1" },
      {
        message: "previous_response_id is not supported on this engine (the Codex backend keeps nothing with store:false): send the full conversation history in 'input' instead.",
        param: "previous_response_id",
        code: "unsupported_parameter",
      },
    ],
    [
      "conversation",
      { conversation: "conv_1" },
      {
        message: "conversation is not supported on this engine (the Codex backend keeps nothing with store:false): send the full conversation history in 'input' instead.",
        param: "conversation",
        code: "unsupported_parameter",
      },
    ],
    [
      "a stored prompt",
      { prompt: { id: "pmpt_1" } },
      { message: "Stored prompts (prompt) are not supported on this engine: send the instructions and input themselves.", param: "prompt", code: "unsupported_parameter" },
    ],
    [
      "an item reference",
      { input: [{ type: "item_reference", id: "msg_1" }] },
      {
        message: "Item references are not supported on this engine (the Codex backend keeps nothing with store:false): send the item itself at 'input[0]'.",
        param: "input[0]",
        code: "invalid_value",
      },
    ],
    [
      "an image by file id",
      { input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1" }] }] },
      {
        message: "Uploaded files (file_id) are not available on this engine: send the image as a data URL or an https URL at 'input[0].content[0].image_url'.",
        param: "input[0].content[0].file_id",
        code: "invalid_value",
      },
    ],
    ["a bad role", { input: [{ role: "tool", content: "x" }] }, { message: "Invalid role at 'input[0].role': expected 'user', 'assistant', 'system' or 'developer'.", param: "input[0].role", code: "invalid_value" }],
    ["an item without type", { input: [{ call_id: "x" }] }, { message: "Invalid input item at 'input[0]': missing 'type'.", param: "input[0].type", code: "invalid_value" }],
    ["an item that is not an object", { input: ["hello"] }, { message: "Invalid input item at 'input[0]': expected an object.", param: "input[0]", code: "invalid_value" }],
  ])("refused: %s", (_name, request, expected) => {
    expect(error(request)).toEqual(expected);
  });
});

describe("responsesToCodex: tools, reasoning, text and the rest", () => {
  test.each<[string, Partial<ResponsesRequestForCodex> & Record<string, unknown>, Partial<CodexRequestBody>]>([
    [
      "function tools pass; an object schema gains properties",
      { tools: [{ type: "function", name: "shell", description: "Run", parameters: { type: "object" }, strict: false }], tool_choice: "auto", parallel_tool_calls: true },
      { tools: [{ type: "function", name: "shell", description: "Run", parameters: { type: "object", properties: {} }, strict: false }], tool_choice: "auto", parallel_tool_calls: true },
    ],
    [
      "a Chat-style nested function tool is flattened",
      { tools: [{ type: "function", function: { name: "shell", parameters: { type: "object", properties: { cmd: { type: "string" } } } } }] },
      { tools: [{ type: "function", name: "shell", parameters: { type: "object", properties: { cmd: { type: "string" } } } }] },
    ],
    [
      "other tool types pass as they are",
      { tools: [{ type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } }, { type: "web_search" }] },
      { tools: [{ type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } }, { type: "web_search" }] },
    ],
    [
      "reasoning passes with the effort checked; include gains encrypted content, keeping the caller's",
      { reasoning: { effort: "high", summary: "detailed" }, include: ["web_search_call.action.sources"] },
      { reasoning: { effort: "high", summary: "detailed" }, include: ["web_search_call.action.sources", "reasoning.encrypted_content"] },
    ],
    ["the deprecated generate_summary becomes summary", { reasoning: { generate_summary: "concise" } }, { reasoning: { summary: "concise" } }],
    ["an effort the model lacks is mapped", { reasoning: { effort: "minimal" } }, { reasoning: { effort: "low" } }],
    ["text format and verbosity pass", { text: { format: { type: "json_schema", name: "x", schema: { type: "object", properties: {} }, strict: true }, verbosity: "low" } }, {
      text: { format: { type: "json_schema", name: "x", schema: { type: "object", properties: {} }, strict: true }, verbosity: "low" },
    }],
    ["prompt_cache_key, priority tier and client metadata pass", { prompt_cache_key: "conv-9", service_tier: "priority", client_metadata: { "x-codex-installation-id": "abc", bad: 1 } }, {
      prompt_cache_key: "conv-9",
      service_tier: "priority",
      client_metadata: { "x-codex-installation-id": "abc" },
    }],
  ])("%s", (_name, request, expected) => {
    expect(body(request)).toMatchObject(expected);
  });

  test("a catalog model that refuses the summary parameter gets the effort alone", () => {
    const [spark] = parseCodexModels({ models: [{ slug: "gpt-5.3-codex-spark", supports_reasoning_summary_parameter: false, supported_reasoning_levels: [{ effort: "high" }] }] });
    const result = responsesToCodex({ model: "gpt-5.3-codex-spark", input: "Hi", reasoning: { effort: "high", summary: "auto" } }, { model: spark ?? null });
    expect(result.ok && result.body.reasoning).toEqual({ effort: "high" });
  });

  test("an unknown effort is refused, naming reasoning.effort", () => {
    expect(error({ reasoning: { effort: "turbo" } })).toMatchObject({ param: "reasoning.effort", code: "unsupported_value" });
  });

  test("the refused fields are dropped and named; tool_choice without tools too", () => {
    const result = convert({
      stream: true,
      stream_options: { include_obfuscation: false },
      max_output_tokens: 100,
      temperature: 0.5,
      top_p: 1,
      truncation: "auto",
      metadata: { a: "b" },
      user: "u",
      background: false,
      top_logprobs: 0,
      max_tool_calls: 3,
      safety_identifier: "s",
      prompt_cache_retention: "24h",
      store: true,
      tool_choice: "auto",
      service_tier: "flex",
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.dropped).toEqual([
      "background",
      "max_output_tokens",
      "max_tool_calls",
      "metadata",
      "prompt_cache_retention",
      "safety_identifier",
      "service_tier",
      "store",
      "temperature",
      "tool_choice",
      "top_logprobs",
      "top_p",
      "truncation",
      "user",
    ]);
    expect(Object.keys(result.body).sort()).toEqual(["include", "input", "instructions", "model", "store", "stream"]);
  });

  test("store:false sent by the caller is not reported as dropped", () => {
    const result = convert({ store: false });
    expect(result.ok && result.dropped).toEqual([]);
  });
});
