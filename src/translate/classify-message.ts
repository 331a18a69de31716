/** @module Which part of the reply an upstream message is (answer, reasoning, code, output, images) and its raw text. */
import type { ImageAssetPointer, UpstreamMessage } from "../engines/web/events.ts";

export type MessageKind = "text" | "reasoning" | "code" | "output" | "image" | "skip";

function hasReasoningMetadata(message: UpstreamMessage): boolean {
  const { initial_text: initial, finished_text: finished } = message.metadata;
  return typeof initial === "string" || typeof finished === "string";
}

/**
 * Tool-authored text is the model thinking aloud only for reasoning models; for the others it is a tool's note to
 * the model (DALL·E's "images are already visible", browser quotes), not meant for the reader.
 */
export function classifyMessage(message: UpstreamMessage, reasoningModel: boolean): MessageKind {
  const role = message.author.role;
  if (role === "user" || role === "system") return "skip";
  switch (message.content.content_type) {
    case "thoughts":
    case "reasoning_recap":
      return "reasoning";
    case "multimodal_text":
      return "image";
    case "code":
      return "code";
    case "execution_output":
      return "output";
    case "text":
      if (hasReasoningMetadata(message)) return "reasoning";
      // 2026: thinking aloud may come as text on the analysis channel, the answer on the final one (web-2026.md §6.3)
      if (message.channel === "analysis" && message.recipient === "all") return "reasoning";
      if (role === "tool") return reasoningModel ? "reasoning" : "skip";
      return message.recipient === "all" ? "text" : "skip";
    default:
      return "skip";
  }
}

function stringField(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** `**summary**` and content of each thought, blank lines between, empty ones left out. */
function thoughtsSegments(thoughts: unknown): string[] {
  if (!Array.isArray(thoughts)) return [];
  const segments: string[] = [];
  for (const thought of thoughts as unknown[]) {
    if (typeof thought !== "object" || thought === null) continue;
    const { summary, content } = thought as { summary?: unknown; content?: unknown };
    const pieces = stringField(summary) ? ["**", stringField(summary), "**"] : [];
    if (stringField(content)) pieces.push(...(pieces.length > 0 ? ["\n\n"] : []), stringField(content));
    if (pieces.length > 0) segments.push(...(segments.length > 0 ? ["\n\n"] : []), ...pieces);
  }
  return segments;
}

/** Parts joined by blank lines, as the web app shows them. */
function partsSegments(parts: readonly string[]): string[] {
  return parts.flatMap((part, index) => (index === 0 ? [part] : ["\n\n", part]));
}

/**
 * The message's text as the upstream wrote it (markers and all), in pieces whose concatenation is the text; none
 * for content without text. A streamed part stays a piece of its own, so what an event added can be cut from the
 * pieces without building, or reading, the whole text (see message-growth.ts).
 */
export function messageRawSegments(message: UpstreamMessage): string[] {
  const content = message.content as Record<string, unknown>;
  switch (message.content.content_type) {
    case "thoughts":
      return thoughtsSegments(content.thoughts);
    case "reasoning_recap":
      return [stringField(content.content)];
    case "code":
    case "execution_output":
      return [stringField(content.text)];
    default: {
      const parts = Array.isArray(content.parts) ? (content.parts as unknown[]) : [];
      return partsSegments(parts.filter((part): part is string => typeof part === "string"));
    }
  }
}

/** The message's text as the upstream wrote it (markers and all); "" for content without text. */
export function messageRawText(message: UpstreamMessage): string {
  return messageRawSegments(message).join("");
}

/** The fence label of a code message: its language, or the tool it addresses when the language says nothing. */
export function codeFenceLabel(message: UpstreamMessage): string {
  const language = stringField((message.content as Record<string, unknown>).language);
  return language && language !== "unknown" ? language : message.recipient;
}

export function imagePointers(message: UpstreamMessage): ImageAssetPointer[] {
  const parts = (message.content as Record<string, unknown>).parts;
  if (!Array.isArray(parts)) return [];
  return parts.filter(
    (part: unknown): part is ImageAssetPointer =>
      typeof part === "object" && part !== null && (part as { content_type?: unknown }).content_type === "image_asset_pointer",
  );
}

export interface Citation {
  url: string;
  title: string;
}

/** Citations of browsing answers: `metadata.citations[].metadata` (2024) and `metadata.content_references[].items[]`. */
export function messageCitations(message: UpstreamMessage): Citation[] {
  const found: Citation[] = [];
  const add = (source: unknown) => {
    if (typeof source !== "object" || source === null) return;
    const { url, title } = source as { url?: unknown; title?: unknown };
    if (typeof url === "string" && url !== "") found.push({ url, title: stringField(title) || url });
  };
  const { citations, content_references: references } = message.metadata;
  if (Array.isArray(citations)) for (const citation of citations) add((citation as { metadata?: unknown } | null)?.metadata);
  if (Array.isArray(references)) {
    for (const reference of references) {
      const items = (reference as { items?: unknown } | null)?.items;
      if (Array.isArray(items)) items.forEach(add);
    }
  }
  return found;
}
