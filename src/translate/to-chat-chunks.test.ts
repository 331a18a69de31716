import { pullThrough } from "../streams/pull-through.ts";
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { sseResponse } from "../http/sse-response.ts";
import { silentLogger } from "../logger.ts";
import { runTransform } from "./__fixtures__/run-transform.ts";
import { parallelCallDeltas, textThenCallDeltas, upstreamUsage } from "./__fixtures__/tool-call-deltas.ts";
import type { RenderedDelta } from "./rendered-delta.ts";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { isChatStreamError, toChatChunks, type ChatChunkDelta, type ToChatChunksOptions } from "./to-chat-chunks.ts";

const options: ToChatChunksOptions = { id: "chatcmpl-1", created: 1745000000, model: "gpt-4o", includeUsage: false, promptTokens: 9 };
const head = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1745000000, model: "gpt-4o" } as const;

function choice(delta: ChatChunkDelta, finish_reason: ChatCompletionChunk.Choice["finish_reason"] = null) {
  return [{ index: 0, delta, logprobs: null, finish_reason }];
}

const reply: RenderedDelta[] = [
  { type: "start", conversationId: "c", messageId: "m" },
  { type: "reasoning", text: "hello" },
  { type: "content", text: "hello" },
  { type: "content", text: " world" },
  { type: "finish", reason: "stop" },
];

describe("toChatChunks", () => {
  test("role first, then content and reasoning chunks, then delta {} with the finish reason; no usage fields", async () => {
    expect(await runTransform(toChatChunks(options), reply)).toEqual([
      { ...head, choices: choice({ role: "assistant", content: "", refusal: null }) },
      { ...head, choices: choice({ reasoning_content: "hello" }) },
      { ...head, choices: choice({ content: "hello" }) },
      { ...head, choices: choice({ content: " world" }) },
      { ...head, choices: choice({}, "stop") },
    ]);
  });

  test("include_usage: usage null on every chunk, then one choices:[] chunk with the totals", async () => {
    const chunks = await runTransform(toChatChunks({ ...options, includeUsage: true, systemFingerprint: "fp_x" }), reply);
    const withHead = { ...head, system_fingerprint: "fp_x" };
    expect(chunks).toEqual([
      { ...withHead, choices: choice({ role: "assistant", content: "", refusal: null }), usage: null },
      { ...withHead, choices: choice({ reasoning_content: "hello" }), usage: null },
      { ...withHead, choices: choice({ content: "hello" }), usage: null },
      { ...withHead, choices: choice({ content: " world" }), usage: null },
      { ...withHead, choices: choice({}, "stop"), usage: null },
      {
        ...withHead,
        choices: [],
        usage: {
          prompt_tokens: 9,
          completion_tokens: 3,
          total_tokens: 12,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 1, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
      },
    ]);
  });

  test("a refusal is a refusal delta and the finish keeps content_filter", async () => {
    const chunks = await runTransform(toChatChunks(options), [
      { type: "start", conversationId: "c", messageId: "" },
      { type: "refusal", text: "No." },
      { type: "finish", reason: "content_filter" },
    ]);
    expect(chunks).toEqual([
      { ...head, choices: choice({ role: "assistant", content: "", refusal: null }) },
      { ...head, choices: choice({ refusal: "No." }) },
      { ...head, choices: choice({}, "content_filter") },
    ]);
  });

  test("failed becomes one OpenAI error object and nothing follows it", async () => {
    const chunks = await runTransform(toChatChunks({ ...options, includeUsage: true }), [
      { type: "start", conversationId: "c", messageId: "m" },
      { type: "content", text: "Par" },
      { type: "failed", message: "Something went wrong" },
      { type: "finish", reason: "stop" },
    ]);
    expect(chunks.slice(2)).toEqual([
      {
        error: {
          message: "The upstream failed while streaming: Something went wrong",
          type: "upstream_error",
          param: null,
          code: "upstream_stream_failed",
        },
      },
    ]);
    expect(chunks.map(isChatStreamError)).toEqual([false, false, true]);
  });

  test("a reply that began but ends without finish ends in an error, never in silence", async () => {
    const chunks = await runTransform(toChatChunks(options), [{ type: "start", conversationId: "c", messageId: "m" }]);
    expect(chunks.map(isChatStreamError)).toEqual([false, true]);
  });

  test("nothing in, nothing out: the caller turns that into an error status", async () => {
    expect(await runTransform(toChatChunks(options), [])).toEqual([]);
  });

  test("extra is asked once per delta and its fields land on that delta's chunks", async () => {
    const seen: string[] = [];
    let messageId = "";
    const chunks = await runTransform(
      toChatChunks({
        ...options,
        extra: (delta) => {
          seen.push(delta.type);
          if (delta.type === "start" || delta.type === "message-id") messageId = delta.messageId;
          return { message_id: messageId, conversation_id: "c" };
        },
      }),
      [
        { type: "start", conversationId: "c", messageId: "m-1" },
        { type: "message-id", conversationId: "c", messageId: "m-2" },
        { type: "content", text: "hi" },
        { type: "finish", reason: "stop" },
      ],
    );
    expect(seen).toEqual(["start", "message-id", "content", "finish"]);
    expect(chunks as unknown[]).toEqual([
      // the role goes out at the start, so the client has its response before the first word; it carries the start's fields
      { ...head, choices: choice({ role: "assistant", content: "", refusal: null }), message_id: "m-1", conversation_id: "c" },
      { ...head, choices: choice({ content: "hi" }), message_id: "m-2", conversation_id: "c" },
      { ...head, choices: choice({}, "stop"), message_id: "m-2", conversation_id: "c" },
    ]);
  });

  describe("tool calls", () => {
    const callStart = (index: number, callId: string, name: string) => ({ index, id: callId, type: "function", function: { name, arguments: "" } });
    const deltasOf = (chunks: unknown[]): unknown[] => chunks.map((chunk) => (chunk as { choices: Array<{ delta: unknown }> }).choices[0]?.delta);
    const args = (index: number, fragment: string) => ({ tool_calls: [{ index, function: { arguments: fragment } }] });

    test("a reply that opens with a call: the role at the start, then the call, fragments, finish tool_calls", async () => {
      const chunks = await runTransform(toChatChunks(options), [
        { type: "start", conversationId: null, messageId: "resp_1" },
        { type: "tool-call-start", index: 0, callId: "call_1", name: "get_weather" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
        { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
        { type: "tool-call-end", index: 0, arguments: '{"city":"Paris"}' },
        { type: "output-item", item: { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' } },
        { type: "finish", reason: "tool_calls" },
      ]);
      expect(chunks as unknown[]).toEqual([
        { ...head, choices: choice({ role: "assistant", content: "", refusal: null }) },
        { ...head, choices: choice({ tool_calls: [callStart(0, "call_1", "get_weather")] } as ChatChunkDelta) },
        { ...head, choices: choice(args(0, '{"city":')) },
        { ...head, choices: choice(args(0, '"Paris"}')) },
        { ...head, choices: choice({}, "tool_calls") },
      ]);
    });

    test("two parallel calls with interleaved fragments keep their own index", async () => {
      const chunks = await runTransform(toChatChunks(options), parallelCallDeltas);
      expect(deltasOf(chunks)).toEqual([
        { role: "assistant", content: "", refusal: null },
        { reasoning_content: "Two lookups." },
        { tool_calls: [callStart(0, "call_A", "get_weather")] },
        { tool_calls: [callStart(1, "call_B", "get_time")] },
        args(0, '{"ci'),
        args(1, '{"zone":'),
        args(0, 'ty":"Paris"}'),
        args(1, '"Europe/Paris"}'),
        {},
      ]);
    });

    test("text then a call: the role chunk is the usual one, the call follows the text", async () => {
      const chunks = await runTransform(toChatChunks(options), textThenCallDeltas);
      expect(deltasOf(chunks)).toEqual([
        { role: "assistant", content: "", refusal: null },
        { content: "Checking." },
        { tool_calls: [callStart(0, "call_1", "ls")] },
        args(0, '{"path":"."}'),
        {},
      ]);
    });

    test("an end sends what the deltas left out; deltas of a call that never started and a second start are dropped", async () => {
      const chunks = await runTransform(toChatChunks(options), [
        { type: "tool-call-delta", index: 3, argumentsDelta: "{}" },
        { type: "tool-call-start", index: 0, callId: "call_1", name: "f" },
        { type: "tool-call-start", index: 0, callId: "call_1", name: "f" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"a":' },
        { type: "tool-call-end", index: 0, arguments: '{"a":1}' },
        { type: "finish", reason: "tool_calls" },
      ]);
      expect(deltasOf(chunks)).toEqual([
        { role: "assistant", content: "", refusal: null },
        { tool_calls: [callStart(0, "call_1", "f")] },
        args(0, '{"a":'),
        args(0, "1}"),
        {},
      ]);
    });
  });

  test("usage the upstream counted wins over our counts, cached and reasoning tokens included", async () => {
    const chunks = await runTransform(toChatChunks({ ...options, includeUsage: true }), [
      { type: "content", text: "hello" },
      { type: "finish", reason: "stop", tokens: { content: 1, reasoning: 0 }, usage: upstreamUsage },
    ]);
    expect(chunks.at(-1)).toEqual({
      ...head,
      choices: [],
      usage: {
        prompt_tokens: 90,
        completion_tokens: 30,
        total_tokens: 120,
        prompt_tokens_details: { cached_tokens: 10, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 8, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    });
  });

  describe("the openai SDK's stream helper assembles what these chunks say", () => {
    /** A client whose fetch answers with the chunks of `deltas` written by the real SSE writer: no socket at all. */
    function clientStreaming(deltas: RenderedDelta[]): OpenAI {
      const fetch = async (): Promise<Response> => {
        const source = new ReadableStream<RenderedDelta>({
          start(controller) {
            for (const delta of deltas) controller.enqueue(delta);
            controller.close();
          },
        });
        return sseResponse(pullThrough(source, toChatChunks({ ...options, includeUsage: true })), { headers: {}, logger: silentLogger });
      };
      return new OpenAI({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1", fetch, maxRetries: 0 });
    }

    test("finalChatCompletion(): parallel calls with name, id and whole arguments; content null; usage from upstream", async () => {
      const client = clientStreaming(parallelCallDeltas);
      const stream = client.chat.completions.stream({ model: "gpt-5.5", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } });
      const completion = await stream.finalChatCompletion();
      expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
      expect(completion.choices[0]?.message.content ?? null).toBeNull();
      expect(completion.choices[0]?.message.tool_calls).toEqual([
        { id: "call_A", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { id: "call_B", type: "function", function: { name: "get_time", arguments: '{"zone":"Europe/Paris"}' } },
      ]);
      expect([completion.usage?.prompt_tokens, completion.usage?.prompt_tokens_details?.cached_tokens, completion.usage?.completion_tokens_details?.reasoning_tokens]).toEqual([90, 10, 8]);
    });

    test("finalChatCompletion(): text then a call keeps both", async () => {
      const client = clientStreaming(textThenCallDeltas);
      const completion = await client.chat.completions.stream({ model: "gpt-5.5", messages: [{ role: "user", content: "hi" }] }).finalChatCompletion();
      const message = completion.choices[0]?.message;
      expect([message?.content, message?.tool_calls?.map((call) => call.type === "function" && [call.id, call.function.name, call.function.arguments])]).toEqual([
        "Checking.",
        [["call_1", "ls", '{"path":"."}']],
      ]);
    });
  });
});
