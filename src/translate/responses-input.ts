/**
 * @module The Responses API's `instructions` + `input` → chat messages, so the chat path (media pipeline, token
 * counting, upstream messages) serves both endpoints. Parts map one to one, which lets an error the chat path
 * raises about `messages[2].content[1]` be told back to the client as `input[1].content[1]` (`toInputParam`).
 * Tool history (`function_call`, `custom_tool_call`, `local_shell_call` and their outputs) becomes the chat path's
 * assistant `tool_calls` and `tool` messages, so a resumed agent session reads the same on every engine.
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import { InvalidInputError } from "./translate-errors.ts";

export interface ResponsesInputMessages {
  messages: ChatCompletionMessageParam[];
  /** For each message, the request field it came from: `instructions`, `input` or `input[i]`. */
  origins: string[];
}

type Role = "user" | "assistant" | "system" | "developer";
const ROLES: readonly Role[] = ["user", "assistant", "system", "developer"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): never {
  throw new InvalidInputError(message, { param, code: "invalid_value" });
}

function stringField(part: Record<string, unknown>, key: string, param: string): string {
  const value = part[key];
  if (typeof value !== "string") invalid(`${param}.${key}`, `Invalid value for '${param}.${key}': expected a string.`);
  return value;
}

function toPart(part: unknown, param: string): ChatCompletionContentPart {
  if (!isRecord(part)) invalid(param, `Invalid value for '${param}': expected a content part object.`);
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: stringField(part, "text", param) };
    case "refusal":
      return { type: "text", text: stringField(part, "refusal", param) };
    case "input_image": {
      if (typeof part.image_url !== "string" || part.image_url === "") {
        const why = part.file_id !== undefined ? "file_id is not supported here (there is no files API), send image_url" : "image_url must be an http(s) or data: URL";
        invalid(param, `The input_image part ${param} cannot be used: ${why}.`);
      }
      const detail = part.detail === "low" || part.detail === "high" || part.detail === "auto" ? { detail: part.detail as "low" | "high" | "auto" } : {};
      return { type: "image_url", image_url: { url: part.image_url, ...detail } };
    }
    case "input_file": {
      if (typeof part.file_data !== "string" || part.file_data === "") {
        const why = part.file_url !== undefined || part.file_id !== undefined ? "only file_data is supported (no file_url, no file_id)" : "file_data must be a non-empty base64 string or data: URL";
        invalid(param, `The input_file part ${param} cannot be used: ${why}.`);
      }
      const filename = typeof part.filename === "string" ? { filename: part.filename } : {};
      return { type: "file", file: { file_data: part.file_data, ...filename } };
    }
    default:
      return invalid(param, `Unsupported content part type ${JSON.stringify(part.type)} (${param}): expected input_text, input_image or input_file.`);
  }
}

/**
 * Text-only roles get one string: the chat path takes no images in system or assistant messages. Parts are separate
 * pieces (the Codex CLI sends one per instruction block), so a newline keeps `…</a>` and `<b>…` apart.
 */
function textOf(parts: ChatCompletionContentPart[], param: string): string {
  return parts
    .map((part, index) => (part.type === "text" ? part.text : invalid(`${param}[${index}]`, `Only text parts are allowed in ${param}.`)))
    .join("\n");
}

/**
 * A call the model made, as the chat path's assistant `tool_calls` entry. A local shell call has no function of its
 * own: it reads as a call of `local_shell` with the action as its arguments, as the Codex backend itself sees it.
 */
function toolCallOf(item: Record<string, unknown>, type: string, param: string): ChatCompletionMessageToolCall | null {
  switch (type) {
    case "function_call":
      return { id: stringField(item, "call_id", param), type: "function", function: { name: stringField(item, "name", param), arguments: stringField(item, "arguments", param) } };
    case "custom_tool_call":
      return { id: stringField(item, "call_id", param), type: "custom", custom: { name: stringField(item, "name", param), input: stringField(item, "input", param) } };
    case "local_shell_call":
      return { id: stringField(item, "call_id", param), type: "function", function: { name: "local_shell", arguments: JSON.stringify(item.action ?? null) } };
    default:
      return null;
  }
}

/** A tool output: a string, or (function and custom outputs) a list of text parts. */
function outputText(item: Record<string, unknown>, param: string): string {
  const output = item.output;
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) return invalid(`${param}.output`, `Invalid value for '${param}.output': expected a string or an array of input_text parts.`);
  return output
    .map((part: unknown, index) => {
      const at = `${param}.output[${index}]`;
      if (!isRecord(part) || (part.type !== "input_text" && part.type !== "output_text")) return invalid(at, `Only text parts are supported in tool outputs (${at}).`);
      return stringField(part, "text", at);
    })
    .join("\n");
}

/** A tool's result, as the chat path's `tool` message; a local shell output names its call by `id`. */
function toolResultOf(item: Record<string, unknown>, type: string, param: string): ChatCompletionMessageParam | null {
  if (type !== "function_call_output" && type !== "custom_tool_call_output" && type !== "local_shell_call_output") return null;
  const key = type === "local_shell_call_output" && typeof item.call_id !== "string" ? "id" : "call_id";
  return { role: "tool", tool_call_id: stringField(item, key, param), content: outputText(item, param) };
}

function toMessage(role: Role, content: unknown, param: string): ChatCompletionMessageParam {
  if (typeof content === "string") return { role, content } as ChatCompletionMessageParam;
  if (content === undefined) throw new InvalidInputError(`Missing required parameter: '${param}.content'.`, { param: `${param}.content`, code: "missing_required_parameter" });
  if (!Array.isArray(content)) return invalid(`${param}.content`, `Invalid value for '${param}.content': expected a string or an array of content parts.`);
  const parts = content.map((part, index) => toPart(part, `${param}.content[${index}]`));
  if (role === "user") return { role, content: parts };
  return { role, content: textOf(parts, `${param}.content`) };
}

/** An input item → a message or a tool call, or null for items that only replay the model's own state (reasoning). */
function itemToMessage(item: unknown, param: string): ChatCompletionMessageParam | ChatCompletionMessageToolCall | null {
  if (!isRecord(item)) return invalid(param, `Invalid value for '${param}': expected an input item object.`);
  const type = typeof item.type === "string" ? item.type : item.type === undefined ? "message" : invalid(`${param}.type`, `Invalid value for '${param}.type': expected a string.`);
  if (type === "reasoning") return null;
  const result = toolCallOf(item, type, param) ?? toolResultOf(item, type, param);
  if (result) return result;
  if (type === "item_reference") {
    return invalid(
      param,
      `Input item references (${param}) cannot be resolved: chat2api keeps no store of output items. Send the message itself ` +
        "(with the AI SDK: providerOptions.openai.store = false) or continue with previous_response_id.",
    );
  }
  if (type !== "message") {
    return invalid(`${param}.type`, `Input items of type ${JSON.stringify(type)} are not supported: expected a message, a function, custom tool or local shell call, or its output.`);
  }
  const role = ROLES.find((known) => known === item.role);
  if (!role) return invalid(`${param}.role`, `Invalid value for '${param}.role': expected one of ${ROLES.map((r) => `"${r}"`).join(", ")}.`);
  return toMessage(role, item.content, param);
}

/**
 * Calls made together (parallel calls, or text then calls) are one assistant turn in chat terms: a call joins the
 * assistant message right before it, else starts one. The message keeps the origin of its first item.
 */
function addToolCall(messages: ChatCompletionMessageParam[], origins: string[], call: ChatCompletionMessageToolCall, origin: string): void {
  const last = messages.at(-1);
  if (last?.role === "assistant") {
    const assistant: ChatCompletionAssistantMessageParam = last;
    assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: "assistant", content: null, tool_calls: [call] });
  origins.push(origin);
}

export function responsesInput(input: string | readonly unknown[], instructions?: string | null): ResponsesInputMessages {
  const messages: ChatCompletionMessageParam[] = [];
  const origins: string[] = [];
  if (instructions) {
    messages.push({ role: "system", content: instructions });
    origins.push("instructions");
  }
  if (typeof input === "string") {
    messages.push({ role: "user", content: input });
    origins.push("input");
  } else {
    input.forEach((item, index) => {
      const converted = itemToMessage(item, `input[${index}]`);
      if (!converted) return;
      if (!("role" in converted)) {
        addToolCall(messages, origins, converted, `input[${index}]`);
        return;
      }
      messages.push(converted);
      origins.push(`input[${index}]`);
    });
  }
  // a tool's output is the new turn of a resumed agent session as much as a user message is
  if (!messages.some((message) => message.role === "user" || message.role === "tool")) {
    invalid("input", "The input must contain at least one user message.");
  }
  return { messages, origins };
}

/** `messages[2].content[1]` (the chat path's name) → `input[1].content[1]` (the client's). */
export function toInputParam(param: string, origins: readonly string[]): string {
  const match = /^messages\[(\d+)\](.*)$/.exec(param);
  const origin = match ? origins[Number(match[1])] : undefined;
  if (!match || origin === undefined) return param;
  return origin.startsWith("input[") ? `${origin}${match[2]}` : origin;
}
