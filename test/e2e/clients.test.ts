/**
 * End-to-end with real clients from npm (CLIENTS.md §6, §8): the Vercel AI SDK (`openai.chat(…)` on chat completions
 * and the default `openai(…)` on the Responses API) and LangChain's `ChatOpenAI` (chat completions and
 * `useResponsesApi`), driven against chat2api and the emulator. Text equals the emulator's reply, usage is reported,
 * errors surface as errors, and nothing leaves localhost (every fetch is watched).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOpenAI } from "@ai-sdk/openai";
import { ChatOpenAI } from "@langchain/openai";
import { AIMessageChunk } from "@langchain/core/messages";
import { generateText, streamText } from "ai";
import { type Harness, startHarness } from "./harness.ts";

let h: Harness;
const hosts = new Set<string>();
/** The chat2api endpoints the clients called, in order. */
const endpoints: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  // LangChain may download a tokenizer table at run time (CLIENTS.md §8): every host any client reaches is recorded
  globalThis.fetch = Object.assign(
    (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      hosts.add(url.hostname);
      if (url.pathname.startsWith("/v1/")) endpoints.push(url.pathname);
      return realFetch(input, init);
    },
    { preconnect: realFetch.preconnect },
  );
  h = await startHarness();
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await h?.[Symbol.asyncDispose]();
});

function aiSdk() {
  return createOpenAI({ baseURL: `${h.server.url}/v1`, apiKey: "anonymous" });
}

function langchain(options: { useResponsesApi?: boolean } = {}) {
  return new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "anonymous", maxRetries: 0, configuration: { baseURL: `${h.server.url}/v1` }, ...options });
}

describe("Vercel AI SDK", () => {
  test.each([
    ["openai.chat (chat completions)", "chat"],
    ["openai (the default: Responses API)", "responses"],
  ] as const)("%s: generateText returns the reply and its usage", async (_label, api) => {
    const provider = aiSdk();
    const model = api === "chat" ? provider.chat("gpt-4o-mini") : provider("gpt-4o-mini");
    const result = await generateText({ model, prompt: "Hello AI SDK", maxRetries: 0 });
    expect(result.text).toBe("You said: Hello AI SDK");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBe((result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0));
    expect(endpoints.at(-1)).toBe(api === "chat" ? "/v1/chat/completions" : "/v1/responses");
  });

  test.each([
    ["openai.chat (chat completions)", "chat"],
    ["openai (the default: Responses API)", "responses"],
  ] as const)("%s: streamText streams the reply with usage and no error parts", async (_label, api) => {
    const provider = aiSdk();
    const model = api === "chat" ? provider.chat("gpt-4o-mini") : provider("gpt-4o-mini");
    const errors: unknown[] = [];
    const result = streamText({ model, prompt: "Stream AI SDK [[words:30]]", maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    let streamed = "";
    for await (const delta of result.textStream) streamed += delta;
    expect(endpoints.at(-1)).toBe(api === "chat" ? "/v1/chat/completions" : "/v1/responses");
    expect(streamed.split(" ")).toHaveLength(30);
    expect(await result.text).toBe(streamed);
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  test("the Responses API: max tokens → finish reason length", async () => {
    const result = await generateText({ model: aiSdk()("gpt-4o-mini"), prompt: "Long [[words:200]]", maxOutputTokens: 16, maxRetries: 0 });
    expect(result.finishReason).toBe("length");
    expect(result.usage.outputTokens).toBe(16);
  });

  test("the Responses API: a stream failing after the start becomes one error part and finish reason error", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "cut", afterEvents: 4 } });
    const errors: unknown[] = [];
    const result = streamText({ model: aiSdk()("gpt-4o-mini"), prompt: "long [[words:80]]", maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    await result.consumeStream();
    expect(await result.finishReason).toBe("error");
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as { message?: unknown }).message)).toContain("The upstream failed while streaming");
  });

  test("an unknown model is an APICallError with status 404 and the server's message", async () => {
    const error = await generateText({ model: aiSdk()("gpt-nope"), prompt: "hi", maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404, message: "The model `gpt-nope` does not exist or you do not have access to it." });
  });
});

describe("LangChain ChatOpenAI", () => {
  test.each([
    ["chat completions", false],
    ["useResponsesApi", true],
  ] as const)("%s: invoke returns the reply with usage_metadata", async (_label, useResponsesApi) => {
    const message = await langchain({ useResponsesApi }).invoke("Hello LangChain");
    expect(endpoints.at(-1)).toBe(useResponsesApi ? "/v1/responses" : "/v1/chat/completions");
    expect(message.text).toBe("You said: Hello LangChain");
    expect(message.usage_metadata).toEqual({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
      total_tokens: expect.any(Number),
      input_token_details: expect.any(Object),
      output_token_details: expect.any(Object),
    });
    expect(message.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  test.each([
    ["chat completions", false],
    ["useResponsesApi", true],
  ] as const)("%s: stream yields the reply in chunks and a final usage_metadata", async (_label, useResponsesApi) => {
    let merged: AIMessageChunk | undefined;
    let chunks = 0;
    for await (const chunk of await langchain({ useResponsesApi }).stream("Stream LangChain [[words:20]]")) {
      chunks++;
      merged = merged ? merged.concat(chunk) : chunk;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(merged?.text.split(" ")).toHaveLength(20);
    expect(merged?.usage_metadata?.input_tokens).toBeGreaterThan(0);
    expect(merged?.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  test("an unknown model surfaces as an error tagged MODEL_NOT_FOUND", async () => {
    const error = await new ChatOpenAI({ model: "gpt-nope", apiKey: "anonymous", maxRetries: 0, configuration: { baseURL: `${h.server.url}/v1` } })
      .invoke("hi")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 404, lc_error_code: "MODEL_NOT_FOUND" });
  });
});

describe("no network", () => {
  test("every request any client made stayed on localhost", () => {
    expect([...hosts]).toEqual(["127.0.0.1"]);
  });
});
