/** @module Token counting with the real tokenizers (o200k_base, cl100k_base), OpenAI's per-message and image rules. */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { appendInTurns, CountBudget, cutSegments, EventLoopTurns, TokenCounter, type Tokenizer, tokenizerFor } from "./token-counter.ts";
import type { CountedReply, UpstreamUsage } from "./rendered-delta.ts";
import { partKey, type ResolvedAttachment } from "./to-upstream-messages.ts";

/** The count of `text`: exact for ordinary text, linear in its length (see token-counter.ts). */
export function countTextTokens(text: string, model: string, budget?: CountBudget): number {
  if (text === "") return 0;
  const counter = new TokenCounter(model, budget);
  counter.append(text);
  return counter.finish();
}

/** The same count without holding the event loop: slices of the text with turns of the loop between them. */
export async function countTextTokensInTurns(text: string, model: string, options: { budget?: CountBudget; turns?: EventLoopTurns } = {}): Promise<number> {
  if (text === "") return 0;
  const counter = new TokenCounter(model, options.budget);
  await appendInTurns(counter, text, options.turns ?? new EventLoopTurns());
  return counter.finish();
}

/**
 * The longest prefix of `text` that fits in `maxTokens` tokens, never ending inside a character. Only the segment
 * where the budget runs out is encoded and decoded, so the cost stays linear whatever the text.
 */
export function truncateToTokens(text: string, maxTokens: number, model: string): { text: string; truncated: boolean } {
  const tokenizer = tokenizerFor(model);
  let used = 0;
  let offset = 0;
  for (const segment of cutSegments(text, true, tokenizer.split).segments) {
    const count = tokenizer.count(segment.text);
    if (used + count > maxTokens) {
      return { text: text.slice(0, offset) + prefixWithin(segment.text, Math.max(0, maxTokens - used), tokenizer), truncated: true };
    }
    used += count;
    offset += segment.text.length;
  }
  return { text, truncated: false };
}

function prefixWithin(text: string, maxTokens: number, tokenizer: Tokenizer): string {
  const tokens = tokenizer.encode(text);
  // a token may hold half of a multi-byte character: step back until the decoded prefix is real text
  for (let count = maxTokens; count > 0; count--) {
    const prefix = tokenizer.decode(tokens.slice(0, count));
    if (text.startsWith(prefix)) return prefix;
  }
  return "";
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

/** What a prompt is billed for: the strings the model reads, and the fixed costs (per message, images, files). */
function promptParts(messages: readonly ChatCompletionMessageParam[], attachments?: ReadonlyMap<string, ResolvedAttachment>): { texts: string[]; fixed: number } {
  const texts: string[] = [];
  let fixed = TOKENS_REPLY_PRIMER;
  messages.forEach((message, messageIndex) => {
    fixed += TOKENS_PER_MESSAGE;
    texts.push(...messageStrings(message));
    if (message.role !== "user" || !Array.isArray(message.content)) return;
    message.content.forEach((part, partIndex) => {
      if (part.type !== "image_url" && part.type !== "file") return;
      const detail = part.type === "image_url" ? part.image_url.detail : undefined;
      fixed += attachmentTokens(attachments?.get(partKey(messageIndex, partIndex)), detail);
    });
  });
  return { texts, fixed };
}

/** OpenAI's prompt accounting: 3 per message + its strings, + 3 priming the reply, + attached images and files. */
export function countPromptTokens(
  messages: readonly ChatCompletionMessageParam[],
  model: string,
  attachments?: ReadonlyMap<string, ResolvedAttachment>,
): number {
  const { texts, fixed } = promptParts(messages, attachments);
  const budget = new CountBudget();
  return texts.reduce((total, text) => total + countTextTokens(text, model, budget), fixed);
}

/** {@link countPromptTokens} for a request being served: one budget for the whole prompt, the event loop kept turning. */
export async function countPromptTokensInTurns(
  messages: readonly ChatCompletionMessageParam[],
  model: string,
  attachments?: ReadonlyMap<string, ResolvedAttachment>,
): Promise<number> {
  const { texts, fixed } = promptParts(messages, attachments);
  const options = { budget: new CountBudget(), turns: new EventLoopTurns() };
  let total = fixed;
  for (const text of texts) total += await countTextTokensInTurns(text, model, options);
  return total;
}

/** The usage object of a finished reply: reasoning counts towards completion tokens, as OpenAI bills it. */
export function buildUsage(input: {
  promptTokens: number;
  content: string;
  reasoning: string;
  model: string;
  /** Counts made while the reply streamed: the texts are then not counted again. */
  counted?: CountedReply | undefined;
  /** The upstream's own count (the Codex engine): it wins over every count of ours, the prompt's included. */
  upstream?: UpstreamUsage | undefined;
}): CompletionUsage {
  if (input.upstream) return upstreamCompletionUsage(input.upstream);
  const reasoningTokens = input.counted?.reasoning ?? countTextTokens(input.reasoning, input.model);
  const completionTokens = (input.counted?.content ?? countTextTokens(input.content, input.model)) + reasoningTokens;
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

function upstreamCompletionUsage(usage: UpstreamUsage): CompletionUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
