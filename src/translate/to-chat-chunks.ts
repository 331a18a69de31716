/**
 * @module Rendered deltas → `chat.completion.chunk` objects, shaped as the real API sends them (CLIENTS.md §3).
 *
 * A `failed` delta becomes one `{"error": {…}}` object in the output, the exact payload OpenAI sends when a stream
 * fails after it began, so the SSE writer serializes every output item the same way. It is an item rather than an
 * errored stream because erroring a stream discards chunks the reader has not taken yet. Nothing follows it.
 */
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { RenderedDelta } from "./rendered-delta.ts";
import { buildUsage } from "./usage.ts";

/** The delta OpenAI-compatible chat UIs read reasoning from (LobeChat, Open WebUI, NextChat). */
export type ChatChunkDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

/** The in-stream error OpenAI clients recognise (openai-node throws APIError on a data object with `error`). */
export interface ChatStreamError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export type ChatChunkEvent = ChatCompletionChunk | ChatStreamError;

export function isChatStreamError(event: ChatChunkEvent): event is ChatStreamError {
  return "error" in event;
}

export interface ToChatChunksOptions {
  id: string;
  /** Unix seconds, the same on every chunk. */
  created: number;
  model: string;
  /** `stream_options.include_usage`: `usage: null` on every chunk and a last `choices: []` chunk with the totals. */
  includeUsage: boolean;
  promptTokens: number;
  systemFingerprint?: string;
  /**
   * Called once per delta, in order (also for `start`/`message-id`, which produce no chunk of their own); its fields
   * are added to the chunks that delta produces, e.g. chat2api's `conversation_id`/`message_id` when history is on.
   */
  extra?: (delta: RenderedDelta) => Record<string, unknown>;
}

const FAILED_PREFIX = "The upstream failed while streaming: ";

export function toChatChunks(options: ToChatChunksOptions): Transformer<RenderedDelta, ChatChunkEvent> {
  const { id, created, model, includeUsage, promptTokens, systemFingerprint, extra } = options;
  let began = false;
  let headSent = false;
  let ended = false;
  /** What our own count bills as completion: the answer, refusals, and each call's name and arguments. */
  let content = "";
  let reasoning = "";
  /** The arguments sent so far per call index: only calls that started stream, and an end sends what is missing. */
  const callArguments = new Map<number, string>();

  function chunk(
    fields: Record<string, unknown>,
    choices: ChatCompletionChunk.Choice[],
    usage?: CompletionUsage,
  ): ChatCompletionChunk {
    const result: ChatCompletionChunk = { id, object: "chat.completion.chunk", created, model, choices };
    if (systemFingerprint !== undefined) result.system_fingerprint = systemFingerprint;
    if (includeUsage) result.usage = usage ?? null;
    return { ...fields, ...result };
  }

  function choice(delta: ChatChunkDelta, finishReason: ChatCompletionChunk.Choice["finish_reason"] = null): ChatCompletionChunk.Choice {
    return { index: 0, delta, logprobs: null, finish_reason: finishReason };
  }

  /** The stream's first chunk: the role (openai-node throws without it), `{role, content: "", refusal: null}`. */
  function headChunks(fields: Record<string, unknown>): ChatCompletionChunk[] {
    if (headSent) return [];
    headSent = true;
    return [chunk(fields, [choice({ role: "assistant", content: "", refusal: null })])];
  }

  /** The chunk one delta of the choice makes, after the head when nothing opened the stream yet. */
  function deltaChunks(fields: Record<string, unknown>, delta: ChatChunkDelta, finishReason?: ChatCompletionChunk.Choice["finish_reason"]): ChatCompletionChunk[] {
    return [...headChunks(fields), chunk(fields, [choice(delta, finishReason)])];
  }

  function callChunks(index: number, argumentsDelta: string, fields: Record<string, unknown>): ChatChunkEvent[] {
    const sent = callArguments.get(index);
    if (sent === undefined || argumentsDelta === "") return [];
    callArguments.set(index, sent + argumentsDelta);
    content += argumentsDelta;
    return deltaChunks(fields, { tool_calls: [{ index, function: { arguments: argumentsDelta } }] });
  }

  function chunksFor(delta: RenderedDelta, fields: Record<string, unknown>): ChatChunkEvent[] {
    const wasBegun = began;
    began = true;
    switch (delta.type) {
      // the head goes out as soon as the upstream took the turn, so the client has its response (status, headers)
      // while the model is still silent (reasoning, a held stream), not only with the first word
      case "start":
        return headChunks(fields);
      case "message-id":
      case "image":
      // the Responses API's pass-through: chat has the call in its own deltas
      case "output-item":
        return [];
      case "content":
        if (delta.text === "") return [];
        content += delta.text;
        return deltaChunks(fields, { content: delta.text });
      case "reasoning":
        if (delta.text === "") return [];
        reasoning += delta.text;
        return deltaChunks(fields, { reasoning_content: delta.text });
      case "refusal":
        content += delta.text;
        return deltaChunks(fields, { refusal: delta.text });
      case "tool-call-start": {
        if (callArguments.has(delta.index)) return [];
        callArguments.set(delta.index, "");
        content += delta.name;
        const call = { index: delta.index, id: delta.callId, type: "function" as const, function: { name: delta.name, arguments: "" } };
        return deltaChunks(fields, { tool_calls: [call] });
      }
      case "tool-call-delta":
        return callChunks(delta.index, delta.argumentsDelta, fields);
      case "tool-call-end": {
        // the deltas normally add up to the end's arguments; what they left out is sent now
        const sent = callArguments.get(delta.index) ?? "";
        const missing = delta.arguments.startsWith(sent) ? delta.arguments.slice(sent.length) : "";
        return callChunks(delta.index, missing, fields);
      }
      case "finish": {
        ended = true;
        const out: ChatChunkEvent[] = deltaChunks(fields, {}, delta.reason);
        if (includeUsage) {
          out.push(chunk(fields, [], buildUsage({ promptTokens, content, reasoning, model, counted: delta.tokens, upstream: delta.usage })));
        }
        return out;
      }
      case "failed": {
        ended = true;
        // a reply that began opens with its role even when it fails before saying anything
        const head = wasBegun ? headChunks(fields) : [];
        return [...head, { error: { message: FAILED_PREFIX + delta.message, type: "upstream_error", param: null, code: "upstream_stream_failed" } }];
      }
      default: {
        const unexpected: never = delta;
        return unexpected;
      }
    }
  }

  return {
    transform(delta, controller) {
      if (ended) return;
      for (const event of chunksFor(delta, extra?.(delta) ?? {})) controller.enqueue(event);
    },
    flush(controller) {
      // a reply that began must end in a finish chunk or an error, never in silence
      if (began && !ended) for (const event of chunksFor({ type: "failed", message: "no finish" }, {})) controller.enqueue(event);
    },
  };
}
