/**
 * @module The Responses API's `instructions` + `input` → chat messages, so the chat path (media pipeline, token
 * counting, upstream messages) serves both endpoints. Parts map one to one, which lets an error the chat path
 * raises about `messages[2].content[1]` be told back to the client as `input[1].content[1]` (`toInputParam`).
 */
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "openai/resources/chat/completions";
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

/** Text-only roles get one string: the chat path takes no images in system or assistant messages. */
function textOf(parts: ChatCompletionContentPart[], param: string): string {
  return parts
    .map((part, index) => (part.type === "text" ? part.text : invalid(`${param}[${index}]`, `Only text parts are allowed in ${param}.`)))
    .join("");
}

function toMessage(role: Role, content: unknown, param: string): ChatCompletionMessageParam {
  if (typeof content === "string") return { role, content } as ChatCompletionMessageParam;
  if (content === undefined) throw new InvalidInputError(`Missing required parameter: '${param}.content'.`, { param: `${param}.content`, code: "missing_required_parameter" });
  if (!Array.isArray(content)) return invalid(`${param}.content`, `Invalid value for '${param}.content': expected a string or an array of content parts.`);
  const parts = content.map((part, index) => toPart(part, `${param}.content[${index}]`));
  if (role === "user") return { role, content: parts };
  return { role, content: textOf(parts, `${param}.content`) };
}

/** An input item → a message, or null for items that only replay the model's own state (reasoning). */
function itemToMessage(item: unknown, param: string): ChatCompletionMessageParam | null {
  if (!isRecord(item)) return invalid(param, `Invalid value for '${param}': expected an input item object.`);
  const type = item.type ?? "message";
  if (type === "reasoning") return null;
  if (type === "item_reference") {
    return invalid(
      param,
      `Input item references (${param}) cannot be resolved: chat2api keeps no store of output items. Send the message itself ` +
        "(with the AI SDK: providerOptions.openai.store = false) or continue with previous_response_id.",
    );
  }
  if (type !== "message") {
    return invalid(`${param}.type`, `Input items of type ${JSON.stringify(type)} are not supported: ChatGPT's web app has no function calling.`);
  }
  const role = ROLES.find((known) => known === item.role);
  if (!role) return invalid(`${param}.role`, `Invalid value for '${param}.role': expected one of ${ROLES.map((r) => `"${r}"`).join(", ")}.`);
  return toMessage(role, item.content, param);
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
      const message = itemToMessage(item, `input[${index}]`);
      if (!message) return;
      messages.push(message);
      origins.push(`input[${index}]`);
    });
  }
  if (!messages.some((message) => message.role === "user")) {
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
