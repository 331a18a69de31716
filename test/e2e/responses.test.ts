/**
 * End-to-end `POST /v1/responses`: the official `openai` SDK (`responses.create`, `responses.stream`) → chat2api →
 * the strict ChatGPT emulator. The response object and the event stream as the spec and CLIENTS.md §6 have them,
 * reasoning, limits, refusals, images, previous_response_id with history on, and errors before and after the start.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { makeTestPng } from "../../src/media/__fixtures__/sample-files.ts";
import type { EmulatedAccount } from "../emulator/index.ts";
import { scenarioReasoningText } from "../support/web-generation.ts";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;
let plus: EmulatedAccount;

beforeAll(async () => {
  h = await startHarness({ env: { HISTORY_DISABLED: "false" } });
  plus = h.emulator.addAccount({ plan: "plus" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

function lastConversation() {
  return h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1);
}

async function events(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const all: ResponseStreamEvent[] = [];
  for await (const event of stream) all.push(event);
  return all;
}

/** The SSE wire as `[event name, data]` pairs, comments dropped. */
async function wire(response: Response): Promise<Array<[string, Record<string, unknown>]>> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "" && !frame.startsWith(":"))
    .map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split("\n");
      expect(rest).toEqual([]);
      expect(eventLine).toStartWith("event: ");
      expect(dataLine).toStartWith("data: ");
      return [(eventLine ?? "").slice(7), JSON.parse((dataLine ?? "").slice(6)) as Record<string, unknown>];
    });
}

const usageShape = {
  input_tokens: expect.any(Number),
  input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
  output_tokens: expect.any(Number),
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: expect.any(Number),
};

describe("non-stream", () => {
  test("a string input answers with the whole response object; the SDK's output_text is the emulator's reply", async () => {
    const response = await h.client().responses.create({ model: "gpt-4o-mini", input: "Say this is a test!", metadata: { tag: "t1" } });
    expect(response.output_text).toBe("You said: Say this is a test!");
    const { output_text: _computedBySdk, ...wireShape } = response;
    expect(wireShape).toEqual({
      id: expect.stringMatching(/^resp_/),
      object: "response",
      created_at: expect.any(Number),
      status: "completed",
      completed_at: expect.any(Number),
      error: null,
      incomplete_details: null,
      instructions: null,
      model: "gpt-4o-mini",
      output: [
        {
          id: expect.stringMatching(/^msg_/),
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: "You said: Say this is a test!", annotations: [] }],
        },
      ],
      parallel_tool_calls: true,
      tool_choice: "auto",
      tools: [],
      temperature: 1,
      top_p: 1,
      metadata: { tag: "t1" },
      max_output_tokens: null,
      previous_response_id: null,
      reasoning: null,
      text: { format: { type: "text" } },
      truncation: "disabled",
      background: false,
      usage: usageShape,
    });
    expect(response.created_at).toBeLessThan(10_000_000_000);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0));
    expect(response.usage?.output_tokens).toBeGreaterThan(3);
  });

  test("instructions become the system message and message items keep their roles upstream", async () => {
    const response = await h.client(plus.accessToken).responses.create({
      model: "gpt-4o",
      instructions: "Be brief.",
      input: [
        { role: "user", content: "Earlier question" },
        { role: "assistant", content: [{ type: "output_text", text: "Earlier answer", annotations: [] }] as never },
        { role: "user", content: [{ type: "input_text", text: "Now this" }] },
      ],
    });
    expect(response.output_text).toBe("You said: Now this");
    expect(response.instructions).toBe("Be brief.");
    const messages = (lastConversation()?.body as { messages: Array<{ author: { role: string }; content: { parts: unknown[] } }> }).messages;
    expect(messages.map((message) => [message.author.role, message.content.parts])).toEqual([
      ["system", ["Be brief."]],
      ["user", ["Earlier question"]],
      ["assistant", ["Earlier answer"]],
      ["user", ["Now this"]],
    ]);
  });

  test("max_output_tokens cuts the reply: status incomplete with reason max_output_tokens", async () => {
    const response = await h.client().responses.create({ model: "gpt-4o-mini", input: "Long please [[words:200]]", max_output_tokens: 7 });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.usage?.output_tokens).toBe(7);
    expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
    expect(response.max_output_tokens).toBe(7);
  });

  test("a reasoning model answers with a reasoning item (its summary) before the message", async () => {
    const response = await h.client(plus.accessToken).responses.create({ model: "o3", input: "Think [[scenario:reasoning]]" });
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(response.output[0]).toEqual({
      id: expect.stringMatching(/^rs_/),
      type: "reasoning",
      summary: [{ type: "summary_text", text: scenarioReasoningText() }],
    });
    expect(response.output_text).toBe("You said: Think");
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  test("moderation: status incomplete with reason content_filter and a refusal part", async () => {
    const response = await h.client(plus.accessToken).responses.create({ model: "gpt-4o", input: "Something bad [[scenario:moderation]]" });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "content_filter" });
    const message = response.output.find((item) => item.type === "message");
    expect(message?.type === "message" ? message.content : null).toEqual([{ type: "refusal", refusal: expect.stringContaining("can't help") }]);
  });

  test("an input_image data URL reaches the upstream as an uploaded image pointer with its size", async () => {
    const png = Buffer.from(makeTestPng(64, 48)).toString("base64");
    const response = await h.client(plus.accessToken).responses.create({
      model: "gpt-4o",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: `data:image/png;base64,${png}`, detail: "auto" },
          ],
        },
      ],
    });
    expect(response.status).toBe("completed");
    expect(response.usage?.input_tokens).toBeGreaterThan(255);
    expect(lastConversation()?.imagePointers?.map(({ width, height }) => ({ width, height }))).toEqual([{ width: 64, height: 48 }]);
  });
});

describe("stream", () => {
  test("responses.stream: events in the spec's order with increasing sequence numbers; finalResponse has usage", async () => {
    const stream = h.client().responses.stream({ model: "gpt-4o-mini", input: "Stream me" });
    const all = await events(stream);
    const final = await stream.finalResponse();
    const types = [...new Set(all.map((event) => event.type))];
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(all.map((event) => event.sequence_number)).toEqual(all.map((_, index) => index));
    const text = all.map((event) => (event.type === "response.output_text.delta" ? event.delta : "")).join("");
    expect(text).toBe("You said: Stream me");
    expect(final.output_text).toBe("You said: Stream me");
    expect(final.usage).toEqual({ ...usageShape, input_tokens: expect.any(Number) });
    const created = all[0];
    expect(created?.type === "response.created" ? created.response.id : null).toBe(final.id);
  });

  test("create({stream: true}) with a reasoning model streams the summary first, then the answer", async () => {
    const stream = await h.client(plus.accessToken).responses.create({ model: "o3", input: "Think [[scenario:reasoning]]", stream: true });
    const all = await events(stream);
    const summary = all.map((event) => (event.type === "response.reasoning_summary_text.delta" ? event.delta : "")).join("");
    expect(summary).toBe(scenarioReasoningText());
    const added = all.filter((event) => event.type === "response.output_item.added").map((event) => (event.type === "response.output_item.added" ? event.item.type : ""));
    expect(added).toEqual(["reasoning", "message"]);
    const completed = all.at(-1);
    expect(completed?.type === "response.completed" ? completed.response.usage?.output_tokens_details.reasoning_tokens : 0).toBeGreaterThan(0);
  });

  test("the wire: named events whose data has the same type, text/event-stream, no [DONE], then the close", async () => {
    const response = await h.fetch("/v1/responses", post({ model: "gpt-4o-mini", input: "wire", stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const frames = await wire(response);
    for (const [name, data] of frames) expect(data.type).toBe(name);
    expect(frames.at(-1)?.[0]).toBe("response.completed");
    const delta = frames.find(([name]) => name === "response.output_text.delta")?.[1];
    expect(delta).toEqual({
      type: "response.output_text.delta",
      item_id: expect.stringMatching(/^msg_/),
      output_index: 0,
      content_index: 0,
      delta: expect.any(String),
      logprobs: [],
      sequence_number: 4,
    });
  });

  test("max_output_tokens in a stream ends with response.incomplete", async () => {
    const stream = await h.client().responses.create({ model: "gpt-4o-mini", input: "Long please [[words:200]]", max_output_tokens: 5, stream: true });
    const last = (await events(stream)).at(-1);
    expect(last?.type).toBe("response.incomplete");
    expect(last?.type === "response.incomplete" ? [last.response.incomplete_details, last.response.usage?.output_tokens] : null).toEqual([{ reason: "max_output_tokens" }, 5]);
  });
});

describe("previous_response_id (history on)", () => {
  test("a second turn continues the upstream conversation from the first reply, sending only the new message", async () => {
    const first = await h.client(plus.accessToken).responses.create({ model: "gpt-4o", input: "First turn" });
    const firstBody = lastConversation()?.body as { conversation_id?: string };
    expect(firstBody.conversation_id).toBeUndefined();
    const second = await h.client(plus.accessToken).responses.create({ model: "gpt-4o", input: "Second turn", previous_response_id: first.id });
    expect(second.output_text).toBe("You said: Second turn");
    expect(second.previous_response_id).toBe(first.id);
    const sent = lastConversation();
    expect(sent?.status).toBe(200);
    const body = sent?.body as { conversation_id: string; parent_message_id: string; messages: unknown[] };
    expect(body.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.parent_message_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.messages).toHaveLength(1);
    const third = await h.client(plus.accessToken).responses.create({ model: "gpt-4o", input: "Third turn", previous_response_id: second.id });
    expect(third.output_text).toBe("You said: Third turn");
    expect((lastConversation()?.body as { conversation_id: string }).conversation_id).toBe(body.conversation_id);
  });

  test("a streamed reasoning reply is continued from its answer, not from its first (thinking) message", async () => {
    const stream = h.client(plus.accessToken).responses.stream({ model: "o3", input: "Think [[scenario:reasoning]]" });
    const first = await stream.finalResponse();
    const payload = Buffer.from(first.id.slice("resp_".length), "base64url").toString("utf8").split(":");
    const thinkingMessageId = payload.at(-1);
    const second = await h.client(plus.accessToken).responses.create({ model: "o3", input: "And then?", previous_response_id: first.id });
    expect(second.output_text).toBe("You said: And then?");
    const body = lastConversation()?.body as { conversation_id: string; parent_message_id: string };
    expect(body.conversation_id).toBe(payload[1] ?? "missing");
    expect(body.parent_message_id).not.toBe(thinkingMessageId ?? "missing");
    expect(lastConversation()?.status).toBe(200);
  });

  test("store: false makes a temporary chat whose id cannot be continued (400 naming previous_response_id)", async () => {
    const temporary = await h.client(plus.accessToken).responses.create({ model: "gpt-4o", input: "Forget me", store: false });
    expect((lastConversation()?.body as { history_and_training_disabled?: boolean }).history_and_training_disabled).toBe(true);
    const error = await h
      .client(plus.accessToken)
      .responses.create({ model: "gpt-4o", input: "again", previous_response_id: temporary.id })
      .catch((caught: unknown) => caught);
    expect(error instanceof OpenAI.BadRequestError ? [error.status, error.param, error.code] : error).toEqual([400, "previous_response_id", "previous_response_not_found"]);
  });
});

describe("errors", () => {
  async function expectError(body: unknown, status: number, error: Record<string, unknown>): Promise<void> {
    const response = await h.fetch("/v1/responses", post(body));
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    expect(((await response.json()) as { error: unknown }).error).toEqual(expect.objectContaining(error));
  }

  test.each<[string, Record<string, unknown>, number, Record<string, unknown>]>([
    ["an unknown model", { model: "gpt-nope", input: "hi" }, 404, { code: "model_not_found", param: "model" }],
    ["a missing input", { model: "gpt-4o-mini" }, 400, { param: "input", code: "missing_required_parameter" }],
    ["an input that is a number", { model: "gpt-4o-mini", input: 42 }, 400, { param: "input" }],
    ["a message item with an unknown role", { model: "gpt-4o-mini", input: [{ role: "robot", content: "hi" }] }, 400, { param: "input[0].role" }],
    [
      "an unknown content part",
      { model: "gpt-4o-mini", input: [{ role: "user", content: [{ type: "input_text", text: "a" }, { type: "input_video", url: "x" }] }] },
      400,
      { param: "input[0].content[1]" },
    ],
    [
      "an image the media pipeline refuses (named in input terms)",
      { model: "gpt-4o-mini", instructions: "sys", input: [{ role: "user", content: [{ type: "input_image", image_url: "data:image/png,not%20base64" }] }] },
      400,
      { param: "input[0].content[0]" },
    ],
    ["an item type with no chat meaning", { model: "gpt-4o-mini", input: [{ type: "web_search_call", id: "ws_1" }, { role: "user", content: "hi" }] }, 400, { param: "input[0].type" }],
    ["an unknown previous_response_id", { model: "gpt-4o-mini", input: "hi", previous_response_id: "resp_abc" }, 400, { param: "previous_response_id" }],
    ["a stream request with a bad temperature", { model: "gpt-4o-mini", input: "hi", stream: true, temperature: 5 }, 400, { param: "temperature" }],
  ])("%s → JSON error naming the field", async (_label, body, status, error) => {
    await expectError(body, status, error);
  });

  test("function tools without a forced call are accepted and echoed; the answer is text", async () => {
    const tools = [{ type: "function" as const, name: "get_weather", parameters: { type: "object", properties: {} }, strict: false }];
    const response = await h.client().responses.create({ model: "gpt-4o-mini", input: "Weather?", tools });
    expect(response.output_text).toBe("You said: Weather?");
    expect(response.tools).toEqual(tools);
  });

  test("the SDK surfaces an unknown model as NotFoundError", async () => {
    const error = await h.client().responses.create({ model: "gpt-nope", input: "hi" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("a stream cut after the start: the SDK iterator throws an APIError, the wire ends in error then response.failed", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "cut", afterEvents: 4 } });
    const stream = await h.client().responses.create({ model: "gpt-4o-mini", input: "long [[words:80]]", stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(seen).toContain("response.output_text.delta");
    expect(seen).not.toContain("response.completed");

    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "cut", afterEvents: 4 } });
    const frames = await wire(await h.fetch("/v1/responses", post({ model: "gpt-4o-mini", input: "long [[words:80]]", stream: true })));
    expect(frames.slice(-2).map(([name]) => name)).toEqual(["error", "response.failed"]);
    const failed = frames.at(-1)?.[1] as { response: { status: string; error: { code: string; message: string } } };
    expect(failed.response.status).toBe("failed");
    expect(failed.response.error).toEqual({ code: "server_error", message: expect.stringContaining("The upstream failed while streaming") });
  });

  test("the same failure without streaming → 502, not a truncated 200", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "cut", afterEvents: 4 } });
    await expectError({ model: "gpt-4o-mini", input: "long [[words:80]]" }, 502, { type: "upstream_error" });
  });
});
