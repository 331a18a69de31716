/**
 * @module The Codex engine end to end: the official `openai` SDK against chat2api, chat2api against the strict Codex
 * emulator. A Codex model name goes to `/backend-api/codex/responses` with the caller's own Codex token (or a pool
 * account); text, native tool calls (one, parallel, the round trip), reasoning effort and the Responses API.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CodexAccount } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;
let account: CodexAccount;

beforeAll(async () => {
  h = await startHarness();
  account = h.emulator.addCodexAccount({ plan: "plus" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

const codexRequests = () => h.emulator.log.filter((entry) => entry.path === "/backend-api/codex/responses");
const weather = {
  type: "function" as const,
  function: { name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

describe("chat completions on the Codex engine", () => {
  test("a plain answer, with the upstream's usage", async () => {
    const completion = await h.client(account.accessToken).chat.completions.create({ model: "gpt-5.5", messages: [{ role: "user", content: "hello codex" }] });
    expect(completion.choices[0]?.message.content).toBe("You said: hello codex");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    const sent = codexRequests().at(-1);
    expect(sent?.status).toBe(200);
  });

  test("a tool call, streamed: the SDK assembles the name and arguments; finish_reason tool_calls", async () => {
    h.emulator.codex.script({ calls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
    const stream = h.client(account.accessToken).chat.completions.stream({
      model: "gpt-5.5",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [weather],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    expect(call && "function" in call ? [call.function.name, JSON.parse(call.function.arguments)] : null).toEqual(["get_weather", { city: "Paris" }]);
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
  });

  test("parallel calls without streaming, then the round trip with both results", async () => {
    h.emulator.codex.script({ calls: [{ name: "get_weather", arguments: { city: "Paris" } }, { name: "get_weather", arguments: { city: "Rome" } }] });
    const client = h.client(account.accessToken);
    const first = await client.chat.completions.create({ model: "gpt-5.5", messages: [{ role: "user", content: "Paris and Rome?" }], tools: [weather] });
    const calls = first.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => ("function" in c ? JSON.parse(c.function.arguments).city : null))).toEqual(["Paris", "Rome"]);
    const second = await client.chat.completions.create({
      model: "gpt-5.5",
      tools: [weather],
      messages: [
        { role: "user", content: "Paris and Rome?" },
        first.choices[0]?.message as never,
        ...calls.map((c) => ({ role: "tool" as const, tool_call_id: c.id, content: `sunny in ${"function" in c ? JSON.parse(c.function.arguments).city : "?"}` })),
      ],
    });
    expect(second.choices[0]?.message.content).toStartWith("The tool returned:");
    const input = (codexRequests().at(-1)?.body as { input: Array<{ type: string }> }).input.map((item) => item.type);
    expect(input.filter((type) => type === "function_call_output")).toHaveLength(2);
  });

  test("reasoning_effort reaches the upstream; refused parameters never do", async () => {
    await h.client(account.accessToken).chat.completions.create({
      model: "gpt-5.5",
      messages: [{ role: "user", content: "think" }],
      reasoning_effort: "high",
      temperature: 0.2,
      max_tokens: 50,
    });
    const body = codexRequests().at(-1)?.body as Record<string, unknown>;
    expect(body.reasoning).toMatchObject({ effort: "high" });
    expect(Object.keys(body)).not.toContain("temperature");
    expect(Object.keys(body)).not.toContain("max_output_tokens");
    expect(codexRequests().at(-1)?.status).toBe(200);
  });

  test("a web access token asking for a Codex model gets a 400 naming the model, and nothing goes upstream", async () => {
    const web = h.emulator.addAccount({ plan: "plus" });
    const before = codexRequests().length;
    const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-5.5", messages: [{ role: "user", content: "hi" }] }, web.accessToken));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("codex_account_required");
    expect(codexRequests().length).toBe(before);
  });
});

describe("the Responses API on the Codex engine", () => {
  test("a function call item, then its output sent back, as the Codex CLI does", async () => {
    h.emulator.codex.script({ calls: [{ name: "get_weather", arguments: { city: "Oslo" } }] });
    const client = h.client(account.accessToken);
    const tools = [{ type: "function" as const, name: "get_weather", parameters: weather.function.parameters, strict: false }];
    const first = await client.responses.create({ model: "gpt-5.5", input: "weather in Oslo?", tools });
    const call = first.output.find((item) => item.type === "function_call");
    expect(call && call.type === "function_call" ? [call.name, JSON.parse(call.arguments)] : null).toEqual(["get_weather", { city: "Oslo" }]);
    const second = await client.responses.create({
      model: "gpt-5.5",
      tools,
      input: [
        { role: "user", content: "weather in Oslo?" },
        ...(first.output as never[]),
        { type: "function_call_output", call_id: call && call.type === "function_call" ? call.call_id : "", output: "snow" },
      ],
    });
    expect(second.output_text).toBe("The tool returned: snow");
  });
});
