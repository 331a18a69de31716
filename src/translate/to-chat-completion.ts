/** @module All rendered deltas of a reply → one non-streaming `chat.completion` (CLIENTS.md §2). */
import type { ChatCompletion, ChatCompletionMessage } from "openai/resources/chat/completions";
import { UpstreamFailureError } from "../errors.ts";
import type { CountedReply, FinishReason, RenderedDelta } from "./rendered-delta.ts";
import { buildUsage } from "./usage.ts";

export interface ToChatCompletionOptions {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  promptTokens: number;
  systemFingerprint?: string;
}

/** The assistant message with the reasoning field the chat UIs read (`reasoning_content`). */
export type ChatCompletionMessageWithReasoning = ChatCompletionMessage & { reasoning_content?: string };

/** Throws UpstreamFailureError (502) when the deltas end in `failed` or without a finish: never a 200 for a failure. */
export function toChatCompletion(deltas: readonly RenderedDelta[], options: ToChatCompletionOptions): ChatCompletion {
  let content = "";
  let reasoning = "";
  let refusal: string | null = null;
  let finishReason: FinishReason | null = null;
  let counted: CountedReply | undefined;
  for (const delta of deltas) {
    if (delta.type === "content") content += delta.text;
    else if (delta.type === "reasoning") reasoning += delta.text;
    else if (delta.type === "refusal") refusal = (refusal ?? "") + delta.text;
    else if (delta.type === "finish") {
      finishReason = delta.reason;
      counted = delta.tokens;
    }
    else if (delta.type === "failed") {
      throw new UpstreamFailureError(502, `The upstream failed while answering: ${delta.message}`, {
        code: "upstream_stream_failed",
      });
    }
  }
  if (finishReason === null) {
    throw new UpstreamFailureError(502, "The upstream ended the reply without finishing it.", { code: "upstream_stream_failed" });
  }

  const message: ChatCompletionMessageWithReasoning = {
    role: "assistant",
    // a refused reply has no content at all, as the real API reports it
    content: refusal !== null && content === "" ? null : content,
    refusal,
  };
  if (reasoning !== "") message.reasoning_content = reasoning;

  const completion: ChatCompletion = {
    id: options.id,
    object: "chat.completion",
    created: options.created,
    model: options.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: buildUsage({ promptTokens: options.promptTokens, content: content + (refusal ?? ""), reasoning, model: options.model, counted }),
  };
  if (options.systemFingerprint !== undefined) completion.system_fingerprint = options.systemFingerprint;
  return completion;
}
