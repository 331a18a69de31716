/** @module All rendered deltas of a reply → one non-streaming `chat.completion` (CLIENTS.md §2). */
import type { ChatCompletion, ChatCompletionMessage, ChatCompletionMessageFunctionToolCall } from "openai/resources/chat/completions";
import type { CountedReply, FinishReason, RenderedDelta, UpstreamUsage } from "./rendered-delta.ts";
import { buildUsage } from "./usage.ts";
import { ReplyFailedError } from "./translate-errors.ts";

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

/** Throws ReplyFailedError (a 502 at the edge) when the deltas end in `failed` or without a finish: never a 200 for a failure. */
export function toChatCompletion(deltas: readonly RenderedDelta[], options: ToChatCompletionOptions): ChatCompletion {
  let content = "";
  let reasoning = "";
  let refusal: string | null = null;
  let finishReason: FinishReason | null = null;
  let counted: CountedReply | undefined;
  let upstream: UpstreamUsage | undefined;
  // by index: parallel calls may interleave, and the index, not the arrival, orders them
  const calls = new Map<number, ChatCompletionMessageFunctionToolCall>();
  for (const delta of deltas) {
    if (delta.type === "content") content += delta.text;
    else if (delta.type === "reasoning") reasoning += delta.text;
    else if (delta.type === "refusal") refusal = (refusal ?? "") + delta.text;
    else if (delta.type === "tool-call-start") {
      if (!calls.has(delta.index)) calls.set(delta.index, { id: delta.callId, type: "function", function: { name: delta.name, arguments: "" } });
    }
    else if (delta.type === "tool-call-delta") {
      const call = calls.get(delta.index);
      if (call) call.function.arguments += delta.argumentsDelta;
    }
    else if (delta.type === "tool-call-end") {
      const call = calls.get(delta.index);
      if (call) call.function.arguments = delta.arguments;
    }
    else if (delta.type === "finish") {
      finishReason = delta.reason;
      counted = delta.tokens;
      upstream = delta.usage;
    }
    else if (delta.type === "failed") {
      throw new ReplyFailedError(`The upstream failed while answering: ${delta.message}`);
    }
  }
  if (finishReason === null) {
    throw new ReplyFailedError("The upstream ended the reply without finishing it.");
  }

  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  const message: ChatCompletionMessageWithReasoning = {
    role: "assistant",
    // a refused reply, or one that only calls tools, has no content at all, as the real API reports it
    content: (refusal !== null || toolCalls.length > 0) && content === "" ? null : content,
    refusal,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== "") message.reasoning_content = reasoning;
  const callText = toolCalls.map((call) => call.function.name + call.function.arguments).join("");

  const completion: ChatCompletion = {
    id: options.id,
    object: "chat.completion",
    created: options.created,
    model: options.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: buildUsage({ promptTokens: options.promptTokens, content: content + (refusal ?? "") + callText, reasoning, model: options.model, counted, upstream }),
  };
  if (options.systemFingerprint !== undefined) completion.system_fingerprint = options.systemFingerprint;
  return completion;
}
