/**
 * @module Responses API tool items → the chat messages the rest of the path reads (tool-calls.md §4):
 * `function_call`, `custom_tool_call` and `local_shell_call` become an assistant message with one tool call,
 * `function_call_output`, `custom_tool_call_output` and `local_shell_call_output` a `tool` message answering its
 * call id. One item gives one message, so `toInputParam` still maps errors back to `input[i]`. Then
 * `toolHistoryAsText` writes them as text for the web model.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { InvalidInputError } from "../translate-errors.ts";

/** The item types this converts; any other returns null. */
export const RESPONSES_TOOL_ITEM_TYPES: ReadonlySet<string> = new Set([
  "function_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "local_shell_call",
  "local_shell_call_output",
]);

/** The name a `local_shell_call` is shown under (the tool has no name of its own). */
export const LOCAL_SHELL_TOOL_NAME = "local_shell";

type Fields = Record<string, unknown>;

function stringAt(item: Fields, key: string, param: string): string {
  const value = item[key];
  if (typeof value !== "string") {
    throw new InvalidInputError(`Invalid value for '${param}.${key}': expected a string.`, { param: `${param}.${key}`, code: "invalid_type" });
  }
  return value;
}

/** A tool output is a string or a list of input parts; parts that are not text are named, not shown. */
function outputText(item: Fields, param: string): string {
  const output = item.output;
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) {
    throw new InvalidInputError(`Invalid value for '${param}.output': expected a string or an array of content parts.`, { param: `${param}.output`, code: "invalid_type" });
  }
  return output
    .map((part: unknown) => {
      const fields = typeof part === "object" && part !== null ? (part as Fields) : {};
      if ((fields.type === "input_text" || fields.type === "output_text") && typeof fields.text === "string") return fields.text;
      if (fields.type === "input_file" && typeof fields.filename === "string") return `[file ${fields.filename} not shown]`;
      return `[${String(fields.type ?? "part")} not shown]`;
    })
    .join("\n");
}

function assistantCall(call: NonNullable<Extract<ChatCompletionMessageParam, { role: "assistant" }>["tool_calls"]>[number]): ChatCompletionMessageParam {
  return { role: "assistant", content: null, tool_calls: [call] };
}

/** One Responses tool item as a chat message; null for an item of another type. */
export function responsesToolItem(item: Fields, param: string): ChatCompletionMessageParam | null {
  switch (item.type) {
    case "function_call":
      return assistantCall({
        id: stringAt(item, "call_id", param),
        type: "function",
        function: { name: stringAt(item, "name", param), arguments: stringAt(item, "arguments", param) },
      });
    case "custom_tool_call":
      return assistantCall({ id: stringAt(item, "call_id", param), type: "custom", custom: { name: stringAt(item, "name", param), input: stringAt(item, "input", param) } });
    case "local_shell_call":
      return assistantCall({
        id: stringAt(item, "call_id", param),
        type: "function",
        function: { name: LOCAL_SHELL_TOOL_NAME, arguments: JSON.stringify(item.action ?? {}) },
      });
    case "function_call_output":
    case "custom_tool_call_output":
      return { role: "tool", tool_call_id: stringAt(item, "call_id", param), content: outputText(item, param) };
    case "local_shell_call_output":
      // the API reference names the call by `id`; Codex sends `call_id`
      return { role: "tool", tool_call_id: stringAt(item, typeof item.call_id === "string" ? "call_id" : "id", param), content: outputText(item, param) };
    default:
      return null;
  }
}
