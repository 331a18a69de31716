import { describe, expect, test } from "bun:test";
import { runTransform } from "./__fixtures__/run-transform.ts";
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
      { ...head, choices: choice({ role: "assistant", content: "", refusal: null }), message_id: "m-1", conversation_id: "c" },
      { ...head, choices: choice({ content: "hi" }), message_id: "m-2", conversation_id: "c" },
      { ...head, choices: choice({}, "stop"), message_id: "m-2", conversation_id: "c" },
    ]);
  });
});
