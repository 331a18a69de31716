/**
 * End-to-end: the official `openai` SDK → chat2api → the strict ChatGPT emulator. Anonymous and access-token chats,
 * streaming and not, usage, both upstream encodings, and the emulator's word that the proof-of-work was verified.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, startHarness } from "./harness.ts";

let h: Harness;
let plus: EmulatedAccount;

beforeAll(async () => {
  h = await startHarness();
  plus = h.emulator.addAccount({ plan: "plus", email: "plus@example.com" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

function conversations(account: string) {
  return h.emulator.log.filter((entry) => entry.path.endsWith("/conversation") && entry.account === account);
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function textOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
}

describe("anonymous (no-login) chats", () => {
  test("non-stream: the reply, usage from the tokenizer, and a verified proof-of-work upstream", async () => {
    const before = conversations("anon").length;
    const completion = await h.client("anonymous").chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say this is a test!" }],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.choices).toEqual([
      { index: 0, message: expect.objectContaining({ role: "assistant", content: "You said: Say this is a test!" }), logprobs: null, finish_reason: "stop" },
    ]);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(3);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
    const sent = conversations("anon").slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ status: 200, powVerified: true, model: "gpt-4o-mini" });
    expect(sent[0]?.headers.authorization).toBeUndefined();
    expect(sent[0]?.path).toStartWith("/backend-anon/");
  });

  test("stream: role first, finish_reason only on the last choice chunk, same id/created/model, no usage chunk unless asked", async () => {
    const stream = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Stream me [[words:40]]" }],
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const finishes = chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null);
    expect(finishes.slice(0, -1).every((reason) => reason === null)).toBe(true);
    expect(finishes.at(-1)).toBe("stop");
    expect(new Set(chunks.map((chunk) => `${chunk.id}|${chunk.created}|${chunk.model}`)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(textOf(chunks).split(" ").length).toBeGreaterThanOrEqual(40);
  });

  test("stream with include_usage: one last chunk with choices [] and the totals", async () => {
    const stream = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Count my tokens" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(last?.usage?.total_tokens).toBe((last?.usage?.prompt_tokens ?? 0) + (last?.usage?.completion_tokens ?? 0));
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  test("the SSE wire: one data line per chunk, [DONE] last, then the response closes", async () => {
    const response = await h.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "wire" }], stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    const text = await response.text();
    const events = text.split("\n\n").filter((event) => event.trim() !== "" && !event.startsWith(":"));
    expect(events.at(-1)).toBe("data: [DONE]");
    for (const event of events.slice(0, -1)) {
      expect(event.split("\n")).toHaveLength(1);
      expect(JSON.parse(event.slice("data: ".length)).object).toBe("chat.completion.chunk");
    }
  });
});

describe("access-token chats", () => {
  test("non-stream with the caller's own access token goes to /backend-api as that account", async () => {
    const completion = await h.client(plus.accessToken).chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello from a Plus account" },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe("You said: Hello from a Plus account");
    const sent = conversations(plus.id).at(-1);
    expect(sent).toMatchObject({ status: 200, powVerified: true, model: "gpt-4o" });
    expect(sent?.path).toStartWith("/backend-api/");
  });

  test("stream with usage with the caller's own access token", async () => {
    const stream = await h.client(plus.accessToken).chat.completions.create({
      model: "gpt-5",
      messages: [{ role: "user", content: "Stream for Plus" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    expect(textOf(chunks)).toBe("You said: Stream for Plus");
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(conversations(plus.id).at(-1)).toMatchObject({ status: 200, powVerified: true, model: "gpt-5" });
  });

  test("the access token never appears in chat2api's logs", () => {
    const joined = h.logs.join("\n");
    expect(joined).not.toContain(plus.accessToken);
    expect(joined).not.toContain(plus.accessToken.split(".")[1] ?? "never");
  });
});

describe("Responses-shaped bodies on /chat/completions (Cursor's agent mode)", () => {
  test("`input` + `instructions` without `messages` is read as the chat it means, answered as chat chunks", async () => {
    const response = await h.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        instructions: "Be brief.",
        input: [{ role: "user", content: [{ type: "input_text", text: "From Cursor" }] }],
        stream: true,
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const chunks = text
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => JSON.parse(event.slice(6)) as ChatCompletionChunk);
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(textOf(chunks)).toBe("You said: From Cursor");
    const sent = h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1)?.body as { messages: Array<{ author: { role: string } }> };
    expect(sent.messages.map((message) => message.author.role)).toEqual(["system", "user"]);
  });
});

describe("output limits", () => {
  test("max_tokens cuts the reply at exactly that many tokens with finish_reason length", async () => {
    const completion = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Long please [[words:200]]" }],
      max_tokens: 7,
    });
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(7);
  });

  test("max_completion_tokens in a stream ends with finish_reason length", async () => {
    const stream = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Long please [[words:200]]" }],
      max_completion_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(5);
  });

  test("a stop sequence ends the reply before it", async () => {
    const completion = await h.client().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "alpha beta gamma delta" }],
      stop: ["gamma"],
    });
    expect(completion.choices[0]?.message.content).toBe("You said: alpha beta ");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });
});

describe("both upstream encodings", () => {
  test("legacy snapshots and delta-encoding v1 give identical text, streamed and not", async () => {
    await using legacy = await startHarness({ emulator: { encoding: "legacy" } });
    const prompt = "Encodings agree — ünïcödé ✓ [[words:60]]";
    const viaV1 = await h.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] });
    const viaLegacy = await legacy.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] });
    expect(h.emulator.log.at(-1)?.encoding).toBe("v1");
    expect(legacy.emulator.log.at(-1)?.encoding).toBe("legacy");
    expect(viaLegacy.choices[0]?.message.content).toBe(viaV1.choices[0]?.message.content ?? "missing");
    const streamed = textOf(
      await collect(await legacy.client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }], stream: true })),
    );
    expect(streamed).toBe(viaV1.choices[0]?.message.content ?? "missing");
  });
});
