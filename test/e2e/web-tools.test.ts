/**
 * End-to-end: function calling and structured output on the web engine (tool-calls.md), chat2api against the
 * emulator's scripted replies. The tools reach the upstream prompt; the `<tool_call>` blocks the "model" writes,
 * split where the script cuts them, come back as tool calls to the `openai` SDK (JSON and stream with
 * `finalChatCompletion()`, parallel calls, the round trip), the Responses API (function_call out,
 * function_call_output in), the Vercel AI SDK (`generateText` with a tool and its follow-up step) and LangChain
 * (`bindTools`). `response_format`: a valid reply passes, fence stripped; an invalid one is retried once with what
 * was wrong, then refused with a 502 `invalid_model_output` (strict) or returned as it is (not strict).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { ChatOpenAI } from "@langchain/openai";
import { ToolMessage } from "@langchain/core/messages";
import { generateText, stepCountIs, tool } from "ai";
import type OpenAI from "openai";
import { z } from "zod";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});
beforeEach(() => {
  h.emulator.clearWebScripts();
});

type Json = Record<string, unknown>;

const MODEL = "gpt-4o-mini";
const weather = {
  type: "function" as const,
  function: { name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};
const time = { type: "function" as const, function: { name: "get_time", description: "Local time of a city", parameters: { type: "object", properties: { city: { type: "string" } } } } };

/** A block cut inside the tag, the name, the JSON and a multibyte character. */
function block(name: string, args: Json): string[] {
  const json = JSON.stringify({ name, arguments: args });
  const third = Math.floor(json.length / 3);
  return ["<tool", `_call>\n${json.slice(0, third)}`, json.slice(third, 2 * third), `${json.slice(2 * third)}\n</tool_`, "call>"];
}

/** The messages of the last conversation request chat2api sent upstream: [role, text]. */
function lastUpstreamMessages(): Array<[string, string]> {
  const write = h.emulator.log.findLast((e) => e.method === "POST" && /\/(f\/)?conversation$/.test(e.path));
  const messages = ((write?.body as Json | undefined)?.messages ?? []) as Array<{ author: { role: string }; content: { parts: unknown[] } }>;
  return messages.map((m) => [m.author.role, m.content.parts.filter((p) => typeof p === "string").join("|")]);
}

function callsOf(message: OpenAI.Chat.Completions.ChatCompletionMessage | undefined): Array<[string, unknown]> {
  return (message?.tool_calls ?? []).map((call) => (call.type === "function" ? [call.function.name, JSON.parse(call.function.arguments)] : [call.custom.name, call.custom.input]));
}

describe("openai SDK, chat completions", () => {
  test("non-stream: the tools are in the prompt; the block is a tool call, the text before it the content", async () => {
    h.emulator.scriptWeb({ match: "weather in Zürich", reply: ["Let me check.\n", ...block("get_weather", { city: "Zürich ☀" })] });
    const completion = await h.client().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "weather in Zürich?" }], tools: [weather] });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(callsOf(choice?.message)).toEqual([["get_weather", { city: "Zürich ☀" }]]);
    expect(choice?.message.tool_calls?.[0]?.id).toMatch(/^call_/);
    expect(choice?.message.content?.trim()).toBe("Let me check.");
    expect(completion.usage?.completion_tokens).toBeGreaterThan(5);
    const system = lastUpstreamMessages().filter(([role]) => role === "system");
    expect(system.map(([, text]) => text).join("\n")).toContain("get_weather");
    expect(system.map(([, text]) => text).join("\n")).toContain("<tool_call>");
  });

  test("stream: finalChatCompletion() assembles the call; the wire has the call's first delta then argument fragments", async () => {
    h.emulator.scriptWeb({ match: "stream weather", reply: ['<tool_call>\n{"name": "get_weather", "arguments": {"ci', 'ty": "Pa', 'ris"}}\n</tool_call>'] });
    const stream = h.client().chat.completions.stream({ model: MODEL, messages: [{ role: "user", content: "stream weather in Paris" }], tools: [weather], stream_options: { include_usage: true } });
    const fragments: string[] = [];
    stream.on("chunk", (chunk) => {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.arguments) fragments.push(call.function.arguments);
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(callsOf(final.choices[0]?.message)).toEqual([["get_weather", { city: "Paris" }]]);
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(""))).toEqual({ city: "Paris" });
  });

  test("parallel calls in order; with parallel_tool_calls false only the first", async () => {
    const both = [...block("get_weather", { city: "Paris" }), "\n", ...block("get_time", { city: "Rome" })];
    h.emulator.scriptWeb({ match: "Paris and Rome", reply: both, times: 2 });
    const client = h.client();
    const ask = (parallel: boolean) =>
      client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Paris and Rome?" }], tools: [weather, time], parallel_tool_calls: parallel });
    const parallel = await ask(true);
    expect(callsOf(parallel.choices[0]?.message)).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_time", { city: "Rome" }],
    ]);
    const ids = parallel.choices[0]?.message.tool_calls?.map((c) => c.id) ?? [];
    expect(new Set(ids).size).toBe(2);
    const single = await ask(false);
    expect(callsOf(single.choices[0]?.message)).toEqual([["get_weather", { city: "Paris" }]]);
  });

  test("the round trip: the results go back with their call ids and the model answers", async () => {
    h.emulator.scriptWeb({ match: "trip to Oslo", reply: block("get_weather", { city: "Oslo" }), afterToolResult: ["It is ", "snowing in Oslo."] });
    const client = h.client();
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "trip to Oslo: weather?" }];
    const first = await client.chat.completions.create({ model: MODEL, messages, tools: [weather] });
    const message = first.choices[0]?.message;
    const call = message?.tool_calls?.[0];
    expect(call?.id).toBeString();
    const second = await client.chat.completions.create({
      model: MODEL,
      tools: [weather],
      messages: [...messages, { role: "assistant", content: message?.content ?? null, tool_calls: message?.tool_calls ?? [] }, { role: "tool", tool_call_id: call?.id ?? "", content: "snow, -3°C" }],
    });
    expect(second.choices[0]?.message.content).toBe("It is snowing in Oslo.");
    expect(second.choices[0]?.finish_reason).toBe("stop");
    const sent = lastUpstreamMessages();
    expect(sent.at(-1)?.[1]).toBe(`<tool_result call_id="${call?.id}" name="get_weather">\nsnow, -3°C\n</tool_result>`);
    expect(sent.find(([role]) => role === "assistant")?.[1]).toContain(`"call_id":"${call?.id}"`);
  });

  test("tool_choice none: the tools are not described and a block stays text", async () => {
    h.emulator.scriptWeb({ match: "no tools please", reply: block("get_weather", { city: "Paris" }) });
    const completion = await h.client().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "no tools please" }], tools: [weather], tool_choice: "none" });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.message.tool_calls ?? []).toEqual([]);
    expect(completion.choices[0]?.message.content).toContain("<tool_call>");
    expect(lastUpstreamMessages().some(([, text]) => text.includes("get_weather"))).toBe(false);
  });

  test("tool_choice required and named say so in the prompt", async () => {
    const client = h.client();
    await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }], tools: [weather, time], tool_choice: "required" });
    expect(lastUpstreamMessages().some(([, text]) => text.includes("must call at least one"))).toBe(true);
    await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }], tools: [weather, time], tool_choice: { type: "function", function: { name: "get_time" } } });
    const prompt = lastUpstreamMessages().map(([, text]) => text).join("\n");
    expect(prompt).toContain("must call the tool `get_time`");
    expect(prompt).not.toContain("## get_weather");
  });

  test("deprecated functions: answered as message.function_call and finish_reason function_call, JSON and stream", async () => {
    h.emulator.scriptWeb({ match: "legacy functions", reply: [...block("get_weather", { city: "Kyiv" }), ...block("get_time", { city: "Kyiv" })], times: 2 });
    const body = { model: MODEL, messages: [{ role: "user", content: "legacy functions" }], functions: [weather.function, time.function] };
    const json = (await (await h.fetch("/v1/chat/completions", post(body))).json()) as { choices: Array<{ finish_reason: string; message: Json }> };
    expect(json.choices[0]?.finish_reason).toBe("function_call");
    expect(json.choices[0]?.message.tool_calls).toBeUndefined();
    expect(json.choices[0]?.message.function_call).toEqual({ name: "get_weather", arguments: '{"city":"Kyiv"}' });
    const sse = await (await h.fetch("/v1/chat/completions", post({ ...body, stream: true }))).text();
    const chunks = sse
      .split("\n\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice(6)) as { choices: Array<{ delta: Json; finish_reason: string | null }> });
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    expect(deltas.some((delta) => "tool_calls" in delta)).toBe(false);
    const calls = deltas.flatMap((delta) => (delta.function_call ? [delta.function_call as Json] : []));
    expect(calls[0]?.name).toBe("get_weather");
    expect(JSON.parse(calls.map((call) => String(call.arguments)).join(""))).toEqual({ city: "Kyiv" });
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(["function_call"]);
  });

  test("a block naming an undeclared tool stays text, finish_reason stop", async () => {
    h.emulator.scriptWeb({ match: "undeclared", reply: block("rm_rf", { path: "/" }) });
    const completion = await h.client().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "undeclared" }], tools: [weather] });
    expect([completion.choices[0]?.finish_reason, completion.choices[0]?.message.tool_calls ?? []]).toEqual(["stop", []]);
    expect(completion.choices[0]?.message.content).toContain("rm_rf");
  });
});

describe("the Responses API", () => {
  const tools = [{ type: "function" as const, name: "get_weather", description: "Weather of a city", parameters: weather.function.parameters, strict: false }];

  test("function_call items out (JSON and stream), function_call_output in", async () => {
    h.emulator.scriptWeb({ match: "Responses weather", reply: ["Checking.\n", ...block("get_weather", { city: "Lima" })], afterToolResult: "Lima is warm.", times: 3 });
    const client = h.client();
    const first = await client.responses.create({ model: MODEL, input: "Responses weather in Lima?", tools });
    const call = first.output.find((item) => item.type === "function_call");
    expect(call && call.type === "function_call" ? [call.name, JSON.parse(call.arguments)] : null).toEqual(["get_weather", { city: "Lima" }]);
    expect(first.status).toBe("completed");

    const stream = await client.responses.create({ model: MODEL, input: "Responses weather in Lima?", tools, stream: true });
    const types: string[] = [];
    let done: Json | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.function_call_arguments.done") done = event as unknown as Json;
    }
    expect(types).toContain("response.function_call_arguments.delta");
    expect(JSON.parse(String(done?.arguments))).toEqual({ city: "Lima" });

    const callId = call && call.type === "function_call" ? call.call_id : "";
    const second = await client.responses.create({
      model: MODEL,
      tools,
      input: [
        { role: "user", content: "Responses weather in Lima?" },
        { type: "function_call", call_id: callId, name: "get_weather", arguments: '{"city":"Lima"}' },
        { type: "function_call_output", call_id: callId, output: "28°C" },
      ],
    });
    expect(second.output_text).toBe("Lima is warm.");
    expect(lastUpstreamMessages().at(-1)?.[1]).toContain(`call_id="${callId}"`);
  });
});

describe("the Vercel AI SDK and LangChain", () => {
  test("generateText: the tool runs and the follow-up step answers with its result", async () => {
    h.emulator.scriptWeb({ match: "AI SDK weather", reply: block("weather", { city: "Lyon" }), afterToolResult: "Lyon: sunny." });
    const provider = createOpenAI({ baseURL: `${h.server.url}/v1`, apiKey: "anonymous" });
    const result = await generateText({
      model: provider.chat(MODEL),
      prompt: "AI SDK weather in Lyon?",
      tools: { weather: tool({ description: "Weather of a city", inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` }) },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([["weather", { city: "Lyon" }]]);
    expect(result.steps[0]?.toolResults.map((r) => r.output)).toEqual(["sunny in Lyon"]);
    expect(result.text).toBe("Lyon: sunny.");
    expect(lastUpstreamMessages().at(-1)?.[1]).toContain("sunny in Lyon");
  });

  test("LangChain bindTools: the AIMessage carries tool_calls; the ToolMessage round trip gets the answer", async () => {
    h.emulator.scriptWeb({ match: "LangChain weather", reply: block("weather", { city: "Bern" }), afterToolResult: "Cold in Bern." });
    const model = new ChatOpenAI({ model: MODEL, apiKey: "anonymous", maxRetries: 0, configuration: { baseURL: `${h.server.url}/v1` } }).bindTools([
      { type: "function", function: { name: "weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    ]);
    const first = await model.invoke("LangChain weather in Bern?");
    expect(first.tool_calls?.map((call) => [call.name, call.args])).toEqual([["weather", { city: "Bern" }]]);
    const second = await model.invoke(["LangChain weather in Bern?", first, new ToolMessage({ tool_call_id: first.tool_calls?.[0]?.id ?? "", content: "cold" })]);
    expect(second.content).toBe("Cold in Bern.");
  });
});

describe("response_format", () => {
  const schema = { type: "object", properties: { city: { type: "string" }, temp: { type: "number" } }, required: ["city", "temp"], additionalProperties: false };
  const strict = { type: "json_schema" as const, json_schema: { name: "weather", schema, strict: true } };
  const conversationWrites = () => h.emulator.log.filter((e) => e.method === "POST" && /\/(f\/)?conversation$/.test(e.path)).length;

  test("json_object: a fenced valid reply passes with its fence stripped; the prompt asked for JSON", async () => {
    h.emulator.scriptWeb({ match: "json please", reply: ["```json\n", '{"ok": ', "true}\n```"] });
    const completion = await h.client().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "json please" }], response_format: { type: "json_object" } });
    expect(completion.choices[0]?.message.content).toBe('{"ok": true}');
    expect(lastUpstreamMessages().some(([role, text]) => role === "system" && text.includes("single JSON object"))).toBe(true);
  });

  test("strict json_schema: an invalid reply is retried once with what was wrong, and the valid retry passes", async () => {
    h.emulator.scriptWeb({ match: "schema retry", reply: '{"city": "Oslo"}' }, { reply: '{"city": "Oslo", "temp": -3}' });
    const before = conversationWrites();
    const completion = await h.client().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "schema retry" }], response_format: strict });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({ city: "Oslo", temp: -3 });
    expect(conversationWrites() - before).toBe(2);
    expect(lastUpstreamMessages().at(-1)?.[1]).toContain("temp");
    expect(lastUpstreamMessages().at(-1)?.[1]).toContain("not valid");
  });

  test("strict json_schema: invalid twice is a 502 invalid_model_output, stream or not", async () => {
    for (const stream of [false, true]) {
      h.emulator.scriptWeb({ match: "schema fails", reply: "Sure! The weather is nice.", times: 2 });
      const before = conversationWrites();
      const response = await h.fetch("/v1/chat/completions", post({ model: MODEL, stream, messages: [{ role: "user", content: "schema fails" }], response_format: strict }));
      expect(response.status).toBe(502);
      const error = ((await response.json()) as { error: Json }).error;
      expect(error).toMatchObject({ code: "invalid_model_output", type: "upstream_error" });
      expect(String(error.message)).toContain("weather");
      expect(conversationWrites() - before).toBe(2);
    }
  });

  test("stream with json_object: the checked JSON arrives as a stream", async () => {
    h.emulator.scriptWeb({ match: "stream json", reply: ['{"a":', " 1}"] });
    const stream = h.client().chat.completions.stream({ model: MODEL, messages: [{ role: "user", content: "stream json" }], response_format: { type: "json_object" } });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('{"a": 1}');
  });

  test("non-strict json_schema: invalid twice is returned as it is", async () => {
    h.emulator.scriptWeb({ match: "loose schema", reply: '{"city": 3}', times: 2 });
    const completion = await h.client().chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "loose schema" }],
      response_format: { type: "json_schema", json_schema: { name: "weather", schema, strict: false } },
    });
    expect(completion.choices[0]?.message.content).toBe('{"city": 3}');
  });

  test("Responses text.format json_schema: a valid reply passes; a bad schema is a 400 naming text.format.schema", async () => {
    h.emulator.scriptWeb({ match: "Responses json", reply: '{"city": "Rome", "temp": 20}' });
    const client = h.client();
    const response = await client.responses.create({ model: MODEL, input: "Responses json", text: { format: { type: "json_schema", name: "weather", schema, strict: true } } });
    expect(JSON.parse(response.output_text)).toEqual({ city: "Rome", temp: 20 });
    const bad = await h.fetch("/v1/responses", post({ model: MODEL, input: "x", text: { format: { type: "json_schema", name: "w", schema: { type: "nope" } } } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: Json }).error).toMatchObject({ param: "text.format.schema", code: "invalid_json_schema" });
  });
});

describe("with history kept (HISTORY_DISABLED=false)", () => {
  let kept: Harness;
  beforeAll(async () => {
    kept = await startHarness({ env: { HISTORY_DISABLED: "false" } });
  });
  afterAll(async () => {
    await kept?.[Symbol.asyncDispose]();
  });

  test("Responses: previous_response_id with only the function_call_output continues the conversation to the answer", async () => {
    kept.emulator.scriptWeb({ match: "kept weather", reply: block("get_weather", { city: "Riga" }), afterToolResult: "Riga is grey." });
    const client = kept.client();
    const tools = [{ type: "function" as const, name: "get_weather", parameters: weather.function.parameters, strict: false }];
    const first = await client.responses.create({ model: MODEL, input: "kept weather in Riga?", tools });
    const call = first.output.find((item) => item.type === "function_call");
    const callId = call?.type === "function_call" ? call.call_id : "";
    const second = await client.responses.create({ model: MODEL, tools, previous_response_id: first.id, input: [{ type: "function_call_output", call_id: callId, output: "grey, 4°C" }] });
    expect(second.output_text).toBe("Riga is grey.");
    const writes = kept.emulator.log.filter((e) => e.method === "POST" && /\/(f\/)?conversation$/.test(e.path));
    const last = writes.at(-1);
    expect(last?.conversationId).toBe(writes.at(-2)?.conversationId);
    const sent = ((last?.body as Json).messages as Array<{ author: { role: string }; content: { parts: string[] } }>).map((m) => [m.author.role, m.content.parts.join("")]);
    // the new turn only: the tools again, then the result
    expect(sent.map(([role]) => role)).toEqual(["system", "user"]);
    // the call is upstream already, not in this request: the result names its call id alone
    expect(sent[1]?.[1]).toBe(`<tool_result call_id="${callId}">\ngrey, 4°C\n</tool_result>`);
  });
});
