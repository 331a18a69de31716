/**
 * @module A conversation's tool calls and results as text the web model can read (tool-calls.md §4): the web
 * conversation has no tool messages, so an assistant's earlier calls are written back as the `<tool_call>` blocks
 * it was asked to write (with their call id), and each result as a `<tool_result>` block naming its call id and tool,
 * so parallel results cannot be confused. {@link toolHistoryAsText} rewrites chat messages one for one (an error
 * about `messages[3]` still names the right message): `assistant` messages with `tool_calls` or a legacy
 * `function_call` carry the blocks after their text; `tool` and legacy `function` messages become `user` messages
 * holding the result (upstream, the `tool` role means ChatGPT's own tools). Other messages are returned as they are.
 * Responses tool items reach it as these chat messages (`responsesInput`).
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { InvalidInputError } from "../translate-errors.ts";

/** An earlier call: `custom` for a freeform tool's, whose `input` is text. */
export type PastToolCall =
  | { kind: "function"; callId: string | null; name: string; arguments: string }
  | { kind: "custom"; callId: string | null; name: string; input: string };

export interface PastToolResult {
  /** Null for a legacy `function` message, which has none. */
  callId: string | null;
  /** The tool's name, when known. */
  name: string | null;
  output: string;
}

type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields {
  return typeof value === "object" && value !== null ? (value as Fields) : {};
}

function textAt(value: unknown, param: string): string {
  if (typeof value !== "string") throw new InvalidInputError(`Invalid value for '${param}': expected a string.`, { param, code: "invalid_type" });
  return value;
}

/** A double-quoted attribute value. */
function attribute(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
}

/** The arguments as the JSON value they hold, so the block shows an object; text that is no JSON stays a string. */
function argumentsValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One earlier call as the block the model writes to make it, its call id added for the results to refer to. */
export function renderToolCall(call: PastToolCall): string {
  const args = call.kind === "custom" ? { input: call.input } : argumentsValue(call.arguments);
  const json: Record<string, unknown> = { name: call.name, arguments: args };
  if (call.callId !== null) json.call_id = call.callId;
  return `<tool_call>\n${JSON.stringify(json)}\n</tool_call>`;
}

export function renderToolResult(result: PastToolResult): string {
  const callId = result.callId === null ? "" : ` call_id="${attribute(result.callId)}"`;
  const name = result.name === null ? "" : ` name="${attribute(result.name)}"`;
  return `<tool_result${callId}${name}>\n${result.output}\n</tool_result>`;
}

/** The text of a content that holds text only (a string, or text and refusal parts). */
function contentText(content: unknown, param: string, separator: string): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new InvalidInputError(`Invalid value for '${param}': expected a string or an array of text parts.`, { param, code: "invalid_type" });
  return content
    .map((part: unknown, index) => {
      const fields = fieldsOf(part);
      const key = fields.type === "refusal" ? "refusal" : "text";
      if (fields.type !== "text" && fields.type !== "refusal") {
        throw new InvalidInputError(`Only text parts are accepted at '${param}[${index}]'.`, { param: `${param}[${index}]`, code: "invalid_value" });
      }
      return textAt(fields[key], `${param}[${index}].${key}`);
    })
    .join(separator);
}

function pastCall(raw: unknown, param: string): PastToolCall {
  const call = fieldsOf(raw);
  const callId = textAt(call.id, `${param}.id`);
  if (call.type === "custom") {
    const custom = fieldsOf(call.custom);
    return { kind: "custom", callId, name: textAt(custom.name, `${param}.custom.name`), input: textAt(custom.input, `${param}.custom.input`) };
  }
  const fn = fieldsOf(call.function);
  return { kind: "function", callId, name: textAt(fn.name, `${param}.function.name`), arguments: textAt(fn.arguments, `${param}.function.arguments`) };
}

/** The calls an assistant message made: its `tool_calls`, then a legacy `function_call` (which has no id). */
function callsOf(message: Fields, param: string): PastToolCall[] {
  const raws = message.tool_calls ?? [];
  if (!Array.isArray(raws)) throw new InvalidInputError(`Invalid value for '${param}.tool_calls': expected an array.`, { param: `${param}.tool_calls`, code: "invalid_type" });
  const calls = raws.map((raw: unknown, index) => pastCall(raw, `${param}.tool_calls[${index}]`));
  if (message.function_call !== undefined && message.function_call !== null) {
    const legacy = fieldsOf(message.function_call);
    const name = textAt(legacy.name, `${param}.function_call.name`);
    calls.push({ kind: "function", callId: null, name, arguments: textAt(legacy.arguments, `${param}.function_call.arguments`) });
  }
  return calls;
}

/** Chat messages with their tool calls and results written as text, one message for one. */
export function toolHistoryAsText(messages: readonly ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  // results name their tool: the calls seen so far give it by call id
  const names = new Map<string, string>();
  return messages.map((message, index): ChatCompletionMessageParam => {
    const param = `messages[${index}]`;
    const fields = fieldsOf(message);
    if (message.role === "assistant") {
      const calls = callsOf(fields, param);
      if (calls.length === 0) return message;
      for (const call of calls) if (call.callId !== null) names.set(call.callId, call.name);
      const text = contentText(fields.content, `${param}.content`, "");
      const blocks = calls.map(renderToolCall).join("\n");
      return { role: "assistant", content: text === "" ? blocks : `${text}\n\n${blocks}` };
    }
    if (message.role === "tool" || message.role === "function") {
      const output = contentText(fields.content, `${param}.content`, "\n");
      const callId = message.role === "tool" ? textAt(fields.tool_call_id, `${param}.tool_call_id`) : null;
      const name = message.role === "function" ? textAt(fields.name, `${param}.name`) : (names.get(callId as string) ?? null);
      return { role: "user", content: renderToolResult({ callId, name, output }) };
    }
    return message;
  });
}
