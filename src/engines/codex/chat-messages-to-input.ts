/**
 * @module Chat Completions `messages` → Codex `instructions` and `input` items (§8.1).
 *
 * The system/developer messages that open the conversation become `instructions` (joined by blank lines); later
 * ones stay where they are as `developer` messages, since their position matters. Tool calls become
 * `function_call` / `custom_tool_call` items after the assistant's text, tool results `*_output` items; the
 * deprecated `function_call` / `function` role pair gets synthesised call ids. Every call must be answered before
 * the request is sent, as OpenAI requires (the backend would 400 "No tool output found", pitfall 12).
 */
import type { ChatMessageForCodex, ChatPartForCodex } from "./chat-request.ts";
import { invalid, type CodexContentPart, type CodexInputItem, type CodexRequestInvalid } from "./codex-body.ts";

export interface ChatInputOptions {
  model: string;
  /** False for text-only models (the backend refuses their images). */
  acceptsImages: boolean;
}

export type ChatInputResult = { ok: true; instructions: string; input: CodexInputItem[] } | { ok: false; error: CodexRequestInvalid };

type Fail = { ok: false; error: CodexRequestInvalid };

/** The text of a content that may only hold text (and, for the assistant, refusal) parts. */
function textOf(content: ChatMessageForCodex["content"], param: string, separator: string): string | Fail {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  const texts: string[] = [];
  for (const [index, part] of content.entries()) {
    if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else if (part.type === "refusal" && typeof part.refusal === "string") texts.push(part.refusal);
    else return invalid(`${param}.content[${index}]`, `Invalid content part at '${param}.content[${index}]': only text is accepted in this message.`);
  }
  return texts.join(separator);
}

const IMAGE_URL = /^(data:image\/|https?:\/\/)/i;

function userPart(part: ChatPartForCodex, param: string, { model, acceptsImages }: ChatInputOptions): CodexContentPart | Fail {
  if (part.type === "text" && typeof part.text === "string") return { type: "input_text", text: part.text };
  if (part.type === "image_url" && part.image_url) {
    if (!acceptsImages) return invalid(param, `The model '${model}' does not accept image input.`);
    const url = part.image_url.url.trim();
    if (!IMAGE_URL.test(url)) return invalid(`${param}.image_url.url`, `Invalid image URL at '${param}.image_url.url': expected a data:image/… URL or an http(s) URL.`);
    return part.image_url.detail ? { type: "input_image", image_url: url, detail: part.image_url.detail } : { type: "input_image", image_url: url };
  }
  return invalid(param, `Content parts of type '${part.type}' are not supported by the Codex engine (model '${model}'): send text and images.`);
}

const isFail = (value: unknown): value is Fail => typeof value === "object" && value !== null && (value as Fail).ok === false;

export function chatMessagesToCodexInput(messages: readonly ChatMessageForCodex[], options: ChatInputOptions): ChatInputResult {
  const instructions: string[] = [];
  const input: CodexInputItem[] = [];
  /** Unanswered calls: call id → where the caller made it. */
  const unanswered = new Map<string, string>();
  const customCalls = new Set<string>();
  /** Deprecated `function_call`s waiting for their `function` message, oldest first. */
  const legacyCalls: Array<{ name: string; callId: string }> = [];
  let opening = true;

  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = textOf(message.content, param, "\n\n");
        if (isFail(text)) return text;
        if (opening) instructions.push(text);
        else input.push({ type: "message", role: "developer", content: [{ type: "input_text", text }] });
        break;
      }
      case "user": {
        opening = false;
        const content: CodexContentPart[] = [];
        if (typeof message.content === "string") content.push({ type: "input_text", text: message.content });
        else {
          for (const [partIndex, part] of (message.content ?? []).entries()) {
            const converted = userPart(part, `${param}.content[${partIndex}]`, options);
            if (isFail(converted)) return converted;
            content.push(converted);
          }
        }
        input.push({ type: "message", role: "user", content });
        break;
      }
      case "assistant": {
        opening = false;
        const text = textOf(message.content, param, "");
        if (isFail(text)) return text;
        if (text !== "") input.push({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
        for (const [callIndex, call] of (message.tool_calls ?? []).entries()) {
          const callParam = `${param}.tool_calls[${callIndex}]`;
          if (call.type === "function" && call.function) {
            input.push({ type: "function_call", call_id: call.id, name: call.function.name, arguments: call.function.arguments });
          } else if (call.type === "custom" && call.custom) {
            customCalls.add(call.id);
            input.push({ type: "custom_tool_call", call_id: call.id, name: call.custom.name, input: call.custom.input });
          } else {
            return invalid(`${callParam}.type`, `Invalid tool call type '${call.type}' at '${callParam}'.`);
          }
          unanswered.set(call.id, callParam);
        }
        if (message.function_call) {
          const callId = `call_legacy_${index}`;
          legacyCalls.push({ name: message.function_call.name, callId });
          unanswered.set(callId, `${param}.function_call`);
          input.push({ type: "function_call", call_id: callId, name: message.function_call.name, arguments: message.function_call.arguments });
        }
        break;
      }
      case "tool": {
        opening = false;
        const output = textOf(message.content, param, "");
        if (isFail(output)) return output;
        const callId = message.tool_call_id ?? "";
        unanswered.delete(callId);
        input.push({ type: customCalls.has(callId) ? "custom_tool_call_output" : "function_call_output", call_id: callId, output });
        break;
      }
      case "function": {
        opening = false;
        const position = legacyCalls.findIndex((call) => call.name === message.name);
        const call = legacyCalls[position];
        if (!call) return invalid(param, `The function message at '${param}' answers no earlier assistant function_call named '${message.name ?? ""}'.`);
        legacyCalls.splice(position, 1);
        unanswered.delete(call.callId);
        const output = textOf(message.content, param, "");
        if (isFail(output)) return output;
        input.push({ type: "function_call_output", call_id: call.callId, output });
        break;
      }
      default:
        return invalid(`${param}.role`, `Invalid role '${message.role}' at '${param}.role'.`);
    }
  }

  const [firstUnanswered] = unanswered;
  if (firstUnanswered) {
    const [callId, where] = firstUnanswered;
    return invalid(
      where,
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${callId}`,
    );
  }
  return { ok: true, instructions: instructions.filter((text) => text !== "").join("\n\n"), input };
}
