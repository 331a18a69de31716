/**
 * @module Rendered deltas → `chat.completion.chunk` objects, shaped as the real API sends them (CLIENTS.md §3).
 *
 * A `failed` delta becomes one `{"error": {…}}` object in the output, the exact payload OpenAI sends when a stream
 * fails after it began, so the SSE writer serializes every output item the same way. It is an item rather than an
 * errored stream because erroring a stream discards chunks the reader has not taken yet. Nothing follows it.
 */
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { UpstreamFailureError } from "../errors.ts";
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

export function toChatChunks(options: ToChatChunksOptions): TransformStream<RenderedDelta, ChatChunkEvent> {
  const { id, created, model, includeUsage, promptTokens, systemFingerprint, extra } = options;
  let headSent = false;
  let ended = false;
  let content = "";
  let reasoning = "";

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

  function chunksFor(delta: RenderedDelta, fields: Record<string, unknown>): ChatChunkEvent[] {
    const out: ChatChunkEvent[] = [];
    // the role must open the stream even if a caller's pipeline dropped `start` (openai-node throws without it)
    if (!headSent && delta.type !== "failed") {
      headSent = true;
      out.push(chunk(fields, [choice({ role: "assistant", content: "", refusal: null })]));
    }
    switch (delta.type) {
      case "start":
      case "message-id":
      case "image":
      // not written yet: the next commit writes tool calls; Responses pass-through items are not chat's
      case "tool-call-start":
      case "tool-call-delta":
      case "tool-call-end":
      case "output-item":
        return out;
      case "content":
        if (delta.text === "") return out;
        content += delta.text;
        return [...out, chunk(fields, [choice({ content: delta.text })])];
      case "reasoning":
        if (delta.text === "") return out;
        reasoning += delta.text;
        return [...out, chunk(fields, [choice({ reasoning_content: delta.text })])];
      case "refusal":
        content += delta.text;
        return [...out, chunk(fields, [choice({ refusal: delta.text })])];
      case "finish":
        ended = true;
        out.push(chunk(fields, [choice({}, delta.reason)]));
        if (includeUsage) out.push(chunk(fields, [], buildUsage({ promptTokens, content, reasoning, model, counted: delta.tokens })));
        return out;
      case "failed":
        ended = true;
        return [...out, new UpstreamFailureError(502, FAILED_PREFIX + delta.message, { code: "upstream_stream_failed" }).toJSON()];
      default: {
        const unexpected: never = delta;
        return unexpected;
      }
    }
  }

  return new TransformStream<RenderedDelta, ChatChunkEvent>({
    transform(delta, controller) {
      if (ended) return;
      for (const event of chunksFor(delta, extra?.(delta) ?? {})) controller.enqueue(event);
    },
    flush(controller) {
      // a reply that began must end in a finish chunk or an error, never in silence
      if (headSent && !ended) controller.enqueue(chunksFor({ type: "failed", message: "no finish" }, {})[0] as ChatChunkEvent);
    },
  });
}
