import { describe, expect, test } from "bun:test";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import type { ChatCompletionRequest } from "../../modules/chat/model.ts";
import type { ChatRequestForCodex } from "./chat-request.ts";
import { chatToCodex } from "./chat-to-codex.ts";
import type { CodexRequestBody, CodexRequestInvalid } from "./codex-body.ts";
import { parseCodexModels, type CodexModel } from "./models.ts";

// The server's validated request and the openai package's params are both accepted as they are.
const _fromServer = (request: ChatCompletionRequest) => chatToCodex(request);
const _fromSdk = (request: ChatCompletionCreateParams) => chatToCodex(request);

const user = (content: string) => ({ role: "user", content });

function body(request: Partial<ChatRequestForCodex>, model?: CodexModel): CodexRequestBody {
  const result = chatToCodex({ model: "gpt-5.5", messages: [user("Hi")], ...request }, model ? { model } : {});
  if (!result.ok) throw new Error(result.error.message);
  return result.body;
}

function error(request: Partial<ChatRequestForCodex>, model?: CodexModel): CodexRequestInvalid {
  const result = chatToCodex({ model: "gpt-5.5", messages: [user("Hi")], ...request }, model ? { model } : {});
  if (result.ok) throw new Error("expected a validation error");
  return result.error;
}

const [spark] = parseCodexModels({
  models: [
    {
      slug: "gpt-5.3-codex-spark",
      supported_reasoning_levels: [{ effort: "low" }, { effort: "medium" }, { effort: "high" }, { effort: "xhigh" }],
      input_modalities: ["text"],
      supports_reasoning_summary_parameter: false,
      service_tiers: [],
    },
  ],
});
if (!spark) throw new Error("catalog fixture");

describe("chatToCodex: always", () => {
  test("a plain request: instructions present (empty), store false, stream true, summary auto with encrypted reasoning", () => {
    expect(body({})).toEqual({
      model: "gpt-5.5",
      instructions: "",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] }],
      reasoning: { summary: "auto" },
      include: ["reasoning.encrypted_content"],
      store: false,
      stream: true,
    });
  });
});

describe("chatToCodex: messages → instructions and input", () => {
  test.each<[string, ChatRequestForCodex["messages"], Pick<CodexRequestBody, "instructions" | "input">]>([
    [
      "opening system and developer messages join into instructions",
      [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use French." }, { type: "text", text: "No emoji." }] },
        user("Hi"),
      ],
      {
        instructions: "Be brief.\n\nUse French.\n\nNo emoji.",
        input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] }],
      },
    ],
    [
      "a later system message stays in place as a developer message",
      [user("Hi"), { role: "system", content: "Now answer in German." }, user("Again")],
      {
        instructions: "",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] },
          { type: "message", role: "developer", content: [{ type: "input_text", text: "Now answer in German." }] },
          { type: "message", role: "user", content: [{ type: "input_text", text: "Again" }] },
        ],
      },
    ],
    [
      "user text and images (data URL, https URL with detail) become input_text and input_image",
      [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
          ],
        },
      ],
      {
        instructions: "",
        input: [
          {
            type: "message",
            role: "user",
            content: [
              { type: "input_text", text: "What is this?" },
              { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" },
              { type: "input_image", image_url: "https://example.com/cat.png", detail: "low" },
            ],
          },
        ],
      },
    ],
    [
      "assistant text becomes output_text; tool calls follow it as function_call items; tool messages as outputs",
      [
        user("Weather in Paris and Rome?"),
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18°C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "24°C" }] },
      ],
      {
        instructions: "",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "Weather in Paris and Rome?" }] },
          { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
          { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "function_call", call_id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
          { type: "function_call_output", call_id: "call_1", output: "18°C" },
          { type: "function_call_output", call_id: "call_2", output: "24°C" },
        ],
      },
    ],
    [
      "an assistant message with only tool calls (content null) adds no empty message",
      [
        user("List files"),
        { role: "assistant", content: null, tool_calls: [{ id: "call_ls", type: "function", function: { name: "ls", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_ls", content: "a.txt" },
      ],
      {
        instructions: "",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "List files" }] },
          { type: "function_call", call_id: "call_ls", name: "ls", arguments: "{}" },
          { type: "function_call_output", call_id: "call_ls", output: "a.txt" },
        ],
      },
    ],
    [
      "custom tool calls and their outputs keep the custom item types",
      [
        user("Patch it"),
        { role: "assistant", tool_calls: [{ id: "call_p", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch" } }] },
        { role: "tool", tool_call_id: "call_p", content: "Done" },
      ],
      {
        instructions: "",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "Patch it" }] },
          { type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch" },
          { type: "custom_tool_call_output", call_id: "call_p", output: "Done" },
        ],
      },
    ],
    [
      "the deprecated function_call / function role pair gets a synthesised call id",
      [
        user("Time?"),
        { role: "assistant", content: null, function_call: { name: "get_time", arguments: "{}" } },
        { role: "function", name: "get_time", content: "12:00" },
      ],
      {
        instructions: "",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "Time?" }] },
          { type: "function_call", call_id: "call_legacy_1", name: "get_time", arguments: "{}" },
          { type: "function_call_output", call_id: "call_legacy_1", output: "12:00" },
        ],
      },
    ],
    [
      "assistant refusal parts are replayed as text",
      [user("Do it"), { role: "assistant", content: [{ type: "refusal", refusal: "I can't help with that." }] }, user("Why?")],
      {
        instructions: "",
        input: [
          { type: "message", role: "user", content: [{ type: "input_text", text: "Do it" }] },
          { type: "message", role: "assistant", content: [{ type: "output_text", text: "I can't help with that." }] },
          { type: "message", role: "user", content: [{ type: "input_text", text: "Why?" }] },
        ],
      },
    ],
  ])("%s", (_name, messages, expected) => {
    const { instructions, input } = body({ messages });
    expect({ instructions, input }).toEqual(expected);
  });

  test.each<[string, ChatRequestForCodex["messages"], CodexModel | undefined, Pick<CodexRequestInvalid, "param" | "code">]>([
    [
      "an unanswered tool call is refused, naming it",
      [user("Hi"), { role: "assistant", tool_calls: [{ id: "call_x", type: "function", function: { name: "f", arguments: "{}" } }] }],
      undefined,
      { param: "messages[1].tool_calls[0]", code: "invalid_value" },
    ],
    ["a function message with no earlier function_call", [user("Hi"), { role: "function", name: "f", content: "1" }], undefined, { param: "messages[1]", code: "invalid_value" }],
    [
      "an image for a text-only model",
      [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }],
      spark,
      { param: "messages[0].content[0]", code: "invalid_value" },
    ],
    [
      "an image URL that is neither data: nor http(s)",
      [{ role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] }],
      undefined,
      { param: "messages[0].content[0].image_url.url", code: "invalid_value" },
    ],
    [
      "an audio part",
      [{ role: "user", content: [{ type: "input_audio" }] }],
      undefined,
      { param: "messages[0].content[0]", code: "invalid_value" },
    ],
    ["an image in a system message", [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x.test/a.png" } }] }], undefined, { param: "messages[0].content[0]", code: "invalid_value" }],
    ["an unknown role", [{ role: "robot", content: "beep" }], undefined, { param: "messages[0].role", code: "invalid_value" }],
  ])("refused: %s", (_name, messages, model, expected) => {
    const { param, code } = error({ messages }, model);
    expect({ param, code }).toEqual(expected);
  });
});

describe("chatToCodex: tools", () => {
  const weather = {
    type: "function",
    function: { name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  };

  test.each<[string, Partial<ChatRequestForCodex>, Partial<CodexRequestBody>]>([
    [
      "function tools are flattened; strict defaults to false as in Chat Completions",
      { tools: [weather] },
      {
        tools: [
          {
            type: "function",
            name: "get_weather",
            description: "Weather by city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
            strict: false,
          },
        ],
      },
    ],
    [
      "a tool without parameters gets an empty object schema; an object schema without properties gets them",
      { tools: [{ type: "function", function: { name: "now" } }, { type: "function", function: { name: "ping", parameters: { type: "object" }, strict: true } }] },
      {
        tools: [
          { type: "function", name: "now", parameters: { type: "object", properties: {} }, strict: false },
          { type: "function", name: "ping", parameters: { type: "object", properties: {} }, strict: true },
        ],
      },
    ],
    [
      "custom tools with a grammar are flattened too",
      { tools: [{ type: "custom", custom: { name: "apply_patch", description: "Patch files", format: { type: "grammar", grammar: { syntax: "lark", definition: "start: /.+/" } } } }] },
      { tools: [{ type: "custom", name: "apply_patch", description: "Patch files", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } }] },
    ],
    ["tool_choice 'required' and parallel_tool_calls pass as they are", { tools: [weather], tool_choice: "required", parallel_tool_calls: false }, { tool_choice: "required", parallel_tool_calls: false }],
    ["tool_choice 'none'", { tools: [weather], tool_choice: "none" }, { tool_choice: "none" }],
    ["tool_choice 'auto'", { tools: [weather], tool_choice: "auto" }, { tool_choice: "auto" }],
    [
      "a named function choice loses its nesting",
      { tools: [weather], tool_choice: { type: "function", function: { name: "get_weather" } } },
      { tool_choice: { type: "function", name: "get_weather" } },
    ],
    [
      "allowed_tools choices name their tools flat",
      { tools: [weather], tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "get_weather" } }] } } },
      { tool_choice: { type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "get_weather" }] } },
    ],
    [
      "deprecated functions and function_call become tools and a tool choice",
      { functions: [{ name: "get_time", parameters: { type: "object", properties: {} } }], function_call: { name: "get_time" } },
      { tools: [{ type: "function", name: "get_time", parameters: { type: "object", properties: {} }, strict: false }], tool_choice: { type: "function", name: "get_time" } },
    ],
    ["function_call 'none'", { functions: [{ name: "f" }], function_call: "none" }, { tool_choice: "none" }],
  ])("%s", (_name, request, expected) => {
    expect(body(request)).toMatchObject(expected);
  });

  test("tool_choice and parallel_tool_calls without tools are not sent, and reported dropped", () => {
    const result = chatToCodex({ model: "gpt-5.5", messages: [user("Hi")], tool_choice: "auto", parallel_tool_calls: true });
    if (!result.ok) throw new Error(result.error.message);
    expect([result.body.tool_choice, result.body.parallel_tool_calls, result.body.tools]).toEqual([undefined, undefined, undefined]);
    expect(result.dropped).toEqual(["parallel_tool_calls", "tool_choice"]);
  });

  test.each<[string, Partial<ChatRequestForCodex>, Pick<CodexRequestInvalid, "param" | "code">]>([
    ["a name over 64 characters", { tools: [{ type: "function", function: { name: "x".repeat(65) } }] }, { param: "tools[0].function.name", code: "invalid_value" }],
    ["a name with spaces", { tools: [{ type: "function", function: { name: "get weather" } }] }, { param: "tools[0].function.name", code: "invalid_value" }],
    ["an unknown tool type", { tools: [{ type: "web_search" }] }, { param: "tools[0].type", code: "invalid_value" }],
    ["a bad deprecated function name", { functions: [{ name: "a.b" }] }, { param: "functions[0].name", code: "invalid_value" }],
  ])("refused: %s", (_name, request, expected) => {
    const { param, code } = error(request);
    expect({ param, code }).toEqual(expected);
  });
});

describe("chatToCodex: response_format, verbosity, service tier, cache key", () => {
  test.each<[string, Partial<ChatRequestForCodex>, CodexRequestBody["text"]]>([
    ["json_object", { response_format: { type: "json_object" } }, { format: { type: "json_object" } }],
    [
      "json_schema is flattened into text.format",
      { response_format: { type: "json_schema", json_schema: { name: "city", description: "A city", schema: { type: "object", properties: { name: { type: "string" } } }, strict: true } } },
      { format: { type: "json_schema", name: "city", description: "A city", schema: { type: "object", properties: { name: { type: "string" } } }, strict: true } },
    ],
    ["text is the default: no text field", { response_format: { type: "text" } }, undefined],
    ["verbosity → text.verbosity", { verbosity: "low" }, { verbosity: "low" }],
    ["format and verbosity together", { response_format: { type: "json_object" }, verbosity: "high" }, { format: { type: "json_object" }, verbosity: "high" }],
  ])("%s", (_name, request, expected) => {
    expect(body(request).text).toEqual(expected);
  });

  test("verbosity is dropped for a catalog model without verbosity support", () => {
    const result = chatToCodex({ model: "gpt-5.3-codex-spark", messages: [user("Hi")], verbosity: "low" }, { model: spark });
    expect(result.ok && [result.body.text, result.dropped]).toEqual([undefined, ["verbosity"]]);
  });

  test.each<[string, string, CodexModel | undefined, string | undefined]>([
    ["priority passes", "priority", undefined, "priority"],
    ["'fast' is the apps' name for priority", "fast", undefined, "priority"],
    ["'flex' is not a Codex tier", "flex", undefined, undefined],
    ["'default' is not sent", "default", undefined, undefined],
    ["priority on a model without that tier is not sent", "priority", spark, undefined],
  ])("service_tier: %s", (_name, tier, model, expected) => {
    expect(body({ service_tier: tier }, model).service_tier).toBe(expected);
  });

  test("prompt_cache_key: the caller's wins over the conversation id, which is used otherwise", () => {
    const own = chatToCodex({ model: "gpt-5.5", messages: [user("Hi")], prompt_cache_key: "caller-key" }, { promptCacheKey: "conv-1" });
    const fallback = chatToCodex({ model: "gpt-5.5", messages: [user("Hi")] }, { promptCacheKey: "conv-1" });
    expect([own.ok && own.body.prompt_cache_key, fallback.ok && fallback.body.prompt_cache_key]).toEqual(["caller-key", "conv-1"]);
  });
});

describe("chatToCodex: reasoning_effort", () => {
  test.each<[string, string, string, CodexModel | undefined, string]>([
    ["an effort the model takes passes", "gpt-5.5", "high", undefined, "high"],
    ["xhigh on gpt-5.5", "gpt-5.5", "xhigh", undefined, "xhigh"],
    ["none is raised to the cheapest accepted", "gpt-5.5", "none", undefined, "low"],
    ["minimal is raised to low", "gpt-5.4", "minimal", undefined, "low"],
    ["minimal stays on gpt-5, which took it", "gpt-5", "minimal", undefined, "minimal"],
    ["ultra is lowered to the highest accepted", "gpt-5.5", "ultra", undefined, "xhigh"],
    ["max is kept on gpt-5.6-luna", "gpt-5.6-luna", "max", undefined, "max"],
    ["low becomes medium on a medium/high model", "gpt-5.1-codex-mini", "low", undefined, "medium"],
    ["the catalog's efforts win over the table", "gpt-5.3-codex-spark", "ultra", spark, "xhigh"],
    ["an unknown model: none becomes low", "gpt-7-future", "none", undefined, "low"],
    ["an unknown model: other efforts pass", "gpt-7-future", "ultra", undefined, "ultra"],
    ["case and spaces are forgiven", "gpt-5.5", " HIGH ", undefined, "high"],
  ])("%s", (_name, model, effort, catalog, expected) => {
    expect(body({ model, reasoning_effort: effort }, catalog).reasoning?.effort).toBe(expected);
  });

  test("a changed effort is reported with what was asked and what was sent", () => {
    const result = chatToCodex({ model: "gpt-5.5", messages: [user("Hi")], reasoning_effort: "minimal" });
    expect(result.ok && result.effortChange).toEqual({ requested: "minimal", sent: "low" });
  });

  test("a value that is no effort is refused, naming it", () => {
    expect(error({ reasoning_effort: "extreme" })).toEqual({
      message: "Unsupported value: 'extreme' for reasoning_effort. Supported values are: 'low', 'medium', 'high', 'xhigh'.",
      param: "reasoning_effort",
      code: "unsupported_value",
    });
  });

  test("a model that refuses the summary parameter gets the effort alone", () => {
    expect(body({ model: "gpt-5.3-codex-spark", reasoning_effort: "high" }, spark)).toMatchObject({
      reasoning: { effort: "high" },
      include: ["reasoning.encrypted_content"],
    });
    expect(body({ model: "gpt-5.3-codex-spark", reasoning_effort: "high" }, spark).reasoning).toEqual({ effort: "high" });
  });
});

describe("chatToCodex: dropped fields", () => {
  test("what the backend refuses is never sent, and every such field is named", () => {
    const result = chatToCodex({
      model: "gpt-5.5",
      messages: [user("Hi")],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      n: 1,
      stop: ["\n"],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.1,
      logit_bias: { "1": 1 },
      logprobs: true,
      top_logprobs: 2,
      user: "u-1",
      metadata: { a: "b" },
      store: true,
      safety_identifier: "s",
      modalities: ["text"],
      temperature_unused_null: null,
    } as ChatRequestForCodex);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.dropped).toEqual([
      "frequency_penalty",
      "logit_bias",
      "logprobs",
      "max_completion_tokens",
      "max_tokens",
      "metadata",
      "modalities",
      "n",
      "presence_penalty",
      "safety_identifier",
      "seed",
      "stop",
      "store",
      "temperature",
      "top_logprobs",
      "top_p",
      "user",
    ]);
    expect(Object.keys(result.body).sort()).toEqual(["include", "input", "instructions", "model", "reasoning", "store", "stream"]);
    expect([result.body.store, result.body.stream]).toEqual([false, true]);
  });
});
