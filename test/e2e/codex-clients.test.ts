/**
 * @module Tool calling through the Codex engine with the clients agents are built on: the Vercel AI SDK
 * (`generateText` / `streamText` with tools, on chat completions and on the Responses API) and LangChain
 * (`bindTools`). The emulated model calls the tool; the client runs it; the model answers with its result.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { ChatOpenAI } from "@langchain/openai";
import { ToolMessage } from "@langchain/core/messages";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import type { CodexAccount } from "../emulator/index.ts";
import { type Harness, startHarness } from "./harness.ts";

let h: Harness;
let account: CodexAccount;

beforeAll(async () => {
  h = await startHarness();
  account = h.emulator.addCodexAccount({ plan: "plus", limit: 1000 });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

const weatherTool = () =>
  tool({
    description: "Weather of a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `sunny in ${city}`,
  });

describe("Vercel AI SDK with tools on a Codex model", () => {
  test.each([["chat completions", "chat"], ["the Responses API", "responses"]] as const)("%s: generateText runs the tool and returns the model's answer", async (_label, api) => {
    h.emulator.codex.script({ calls: [{ name: "weather", arguments: { city: "Lyon" } }] });
    const provider = createOpenAI({ baseURL: `${h.server.url}/v1`, apiKey: account.accessToken });
    const model = api === "chat" ? provider.chat("gpt-5.5") : provider("gpt-5.5");
    const result = await generateText({ model, prompt: "weather in Lyon?", tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([["weather", { city: "Lyon" }]]);
    expect(result.text).toBe("The tool returned: sunny in Lyon");
  });

  test("streamText: the tool call streams in, the tool runs, the answer follows", async () => {
    h.emulator.codex.script({ calls: [{ name: "weather", arguments: { city: "Nice" } }] });
    const provider = createOpenAI({ baseURL: `${h.server.url}/v1`, apiKey: account.accessToken });
    const result = streamText({ model: provider.chat("gpt-5.5"), prompt: "weather in Nice?", tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
    expect(await result.text).toBe("The tool returned: sunny in Nice");
    const calls = (await result.steps).flatMap((step) => step.toolCalls.map((call) => call.input));
    expect(calls).toEqual([{ city: "Nice" }]);
  });
});

describe("LangChain with bindTools on a Codex model", () => {
  test("the AIMessage carries the tool call; the ToolMessage round trip gets the answer", async () => {
    h.emulator.codex.script({ calls: [{ name: "weather", arguments: { city: "Bern" } }] });
    const model = new ChatOpenAI({ model: "gpt-5.5", apiKey: account.accessToken, maxRetries: 0, configuration: { baseURL: `${h.server.url}/v1` } }).bindTools([
      { type: "function", function: { name: "weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    ]);
    const first = await model.invoke("weather in Bern?");
    expect(first.tool_calls?.map((call) => [call.name, call.args])).toEqual([["weather", { city: "Bern" }]]);
    const second = await model.invoke(["weather in Bern?", first, new ToolMessage({ tool_call_id: first.tool_calls?.[0]?.id ?? "", content: "cold in Bern" })]);
    expect(second.content).toBe("The tool returned: cold in Bern");
  });
});
