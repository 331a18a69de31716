/**
 * @module Deprecated function calling's answer shape: a request that declared `functions` (and no `tools`) is from a
 * client that reads `message.function_call` and `finish_reason: "function_call"`, and knows one call per reply. The
 * writers speak `tool_calls`; this rewrites the first call into that older shape (the prompt asked for one call).
 */
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { ChatChunkEvent } from "../../translate/to-chat-chunks.ts";

/** Whether the answer must use the deprecated shape. */
export function wantsLegacyFunctionCall(request: { functions?: readonly unknown[] | null; tools?: readonly unknown[] | null }): boolean {
  return (request.functions?.length ?? 0) > 0 && (request.tools?.length ?? 0) === 0;
}

type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields {
  return typeof value === "object" && value !== null ? (value as Fields) : {};
}

/** A message or chunk delta with `tool_calls[index 0]` as `function_call`; the finish reason renamed with it. */
function rewrite(target: Fields, finishHolder: Fields): void {
  const calls = target.tool_calls;
  if (Array.isArray(calls)) {
    const first = calls.map(fieldsOf).find((call) => (call.index ?? 0) === 0);
    delete target.tool_calls;
    if (first) {
      const fn = fieldsOf(first.function);
      target.function_call = { ...(typeof fn.name === "string" ? { name: fn.name } : {}), arguments: typeof fn.arguments === "string" ? fn.arguments : "" };
    }
  }
  if (finishHolder.finish_reason === "tool_calls") finishHolder.finish_reason = "function_call";
}

export function legacyCompletion(completion: ChatCompletion): ChatCompletion {
  const copy = structuredClone(completion);
  for (const choice of copy.choices) rewrite(choice.message as unknown as Fields, choice as unknown as Fields);
  return copy;
}

export function legacyChunks(): Transformer<ChatChunkEvent, ChatChunkEvent> {
  return {
    transform(event, controller) {
      for (const choice of "choices" in event ? event.choices : []) rewrite(choice.delta as unknown as Fields, choice as unknown as Fields);
      controller.enqueue(event);
    },
  };
}
