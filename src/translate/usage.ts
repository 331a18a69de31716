/** @module Token counting with the real tokenizers (o200k_base, cl100k_base), OpenAI's per-message and image rules. */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { tokenizerEncoding, type TokenizerEncoding } from "./model-names.ts";
import { partKey, type ResolvedAttachment } from "./to-upstream-messages.ts";

type EncodingModule = typeof import("gpt-tokenizer/encoding/o200k_base");

const loaded = new Map<TokenizerEncoding, EncodingModule>();

/**
 * Each encoding's table takes a second or more to load: required on first use, so start-up pays nothing and a
 * server that only serves o200k models never loads cl100k. Literal specifiers keep `bun build --compile` bundling them.
 */
function encodingModule(encoding: TokenizerEncoding): EncodingModule {
  let module = loaded.get(encoding);
  if (!module) {
    module =
      encoding === "cl100k_base"
        ? (require("gpt-tokenizer/encoding/cl100k_base") as EncodingModule)
        : (require("gpt-tokenizer/encoding/o200k_base") as EncodingModule);
    loaded.set(encoding, module);
  }
  return module;
}

function encode(text: string, model: string): number[] {
  // special-token text such as "<|endoftext|>" in user input is plain text, never a control token
  return encodingModule(tokenizerEncoding(model)).encode(text, { allowedSpecial: new Set(), disallowedSpecial: new Set() });
}

export function countTextTokens(text: string, model: string): number {
  return text === "" ? 0 : encode(text, model).length;
}

/** The longest prefix of `text` that fits in `maxTokens` tokens, never ending inside a character. */
export function truncateToTokens(text: string, maxTokens: number, model: string): { text: string; truncated: boolean } {
  const tokens = encode(text, model);
  if (tokens.length <= maxTokens) return { text, truncated: false };
  const { decode } = encodingModule(tokenizerEncoding(model));
  // a token may hold half of a multi-byte character: step back until the decoded prefix is real text
  for (let count = Math.max(0, maxTokens); count > 0; count--) {
    const prefix = decode(tokens.slice(0, count));
    if (text.startsWith(prefix)) return { text: prefix, truncated: true };
  }
  return { text: "", truncated: true };
}

const IMAGE_LOW_DETAIL_TOKENS = 85;
const IMAGE_TILE_TOKENS = 170;

/** OpenAI's vision price: fit into 2048², shrink the short side to 768, then 170 per 512² tile + 85. */
export function countImageTokens(width: number, height: number, detail: "auto" | "low" | "high" = "auto"): number {
  if (detail === "low" || width <= 0 || height <= 0) return IMAGE_LOW_DETAIL_TOKENS;
  let w = width;
  let h = height;
  if (Math.max(w, h) > 2048) {
    const scale = 2048 / Math.max(w, h);
    w *= scale;
    h *= scale;
  }
  if (Math.min(w, h) > 768) {
    const scale = 768 / Math.min(w, h);
    w *= scale;
    h *= scale;
  }
  return IMAGE_TILE_TOKENS * Math.ceil(w / 512) * Math.ceil(h / 512) + IMAGE_LOW_DETAIL_TOKENS;
}

function attachmentTokens(attachment: ResolvedAttachment | undefined, detail: "auto" | "low" | "high" | undefined): number {
  if (!attachment) return 0;
  if (attachment.mimeType.startsWith("image/")) {
    return countImageTokens(attachment.width ?? 0, attachment.height ?? 0, detail);
  }
  return Math.floor(attachment.sizeBytes / 1000);
}

const TOKENS_PER_MESSAGE = 3;
const TOKENS_REPLY_PRIMER = 3;

/** The strings of one message the model reads: role, name, text parts, tool calls and the id a tool result answers. */
function messageStrings(message: ChatCompletionMessageParam): string[] {
  const strings: string[] = [message.role];
  if ("name" in message && typeof message.name === "string") strings.push(message.name);
  const content = message.content;
  if (typeof content === "string") strings.push(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === "text") strings.push(part.text);
      else if (part.type === "refusal") strings.push(part.refusal);
    }
  }
  if (message.role === "assistant") {
    for (const call of message.tool_calls ?? []) {
      if (call.type === "function") strings.push(call.function.name, call.function.arguments);
      else strings.push(call.custom.name, call.custom.input);
    }
    if (message.function_call) strings.push(message.function_call.name, message.function_call.arguments);
  }
  if (message.role === "tool") strings.push(message.tool_call_id);
  return strings;
}

/** OpenAI's prompt accounting: 3 per message + its strings, + 3 priming the reply, + attached images and files. */
export function countPromptTokens(
  messages: readonly ChatCompletionMessageParam[],
  model: string,
  attachments?: ReadonlyMap<string, ResolvedAttachment>,
): number {
  let total = TOKENS_REPLY_PRIMER;
  messages.forEach((message, messageIndex) => {
    total += TOKENS_PER_MESSAGE;
    for (const text of messageStrings(message)) total += countTextTokens(text, model);
    if (message.role !== "user" || !Array.isArray(message.content)) return;
    message.content.forEach((part, partIndex) => {
      if (part.type !== "image_url" && part.type !== "file") return;
      const detail = part.type === "image_url" ? part.image_url.detail : undefined;
      total += attachmentTokens(attachments?.get(partKey(messageIndex, partIndex)), detail);
    });
  });
  return total;
}

/** The usage object of a finished reply: reasoning counts towards completion tokens, as OpenAI bills it. */
export function buildUsage(input: { promptTokens: number; content: string; reasoning: string; model: string }): CompletionUsage {
  const reasoningTokens = countTextTokens(input.reasoning, input.model);
  const completionTokens = countTextTokens(input.content, input.model) + reasoningTokens;
  return {
    prompt_tokens: input.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: input.promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
