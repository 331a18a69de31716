/** @module OpenAI chat messages → the messages of a ChatGPT `next` conversation request (protocol §5.3). */
import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartRefusal,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { InvalidInputError } from "./translate-errors.ts";
import { toolHistoryAsText } from "./tool-prompt/tool-history.ts";
import type { ImageAssetPointer } from "../engines/web/events.ts";

/** The request body is built from these messages; exported here too because callers meet them together. */
export { buildConversationBody, type ConversationRequestBody } from "./build-conversation-body.ts";

/** An image or file the caller has already uploaded to the upstream (§7.1). */
export interface ResolvedAttachment {
  fileId: string;
  name: string;
  mimeType: string;
  sizeBytes: number;
  width?: number;
  height?: number;
}

export interface UpstreamAttachment {
  id: string;
  size: number;
  name: string;
  mime_type: string;
  width?: number;
  height?: number;
}

export type UpstreamMessageContent =
  | { content_type: "text"; parts: [string] }
  | { content_type: "multimodal_text"; parts: Array<string | ImageAssetPointer> };

export interface UpstreamMessageInput {
  id: string;
  author: { role: "system" | "user" | "assistant" };
  content: UpstreamMessageContent;
  metadata: { attachments?: UpstreamAttachment[]; system_hints?: string[] };
}

export interface ToUpstreamMessagesOptions {
  newId: () => string;
  /** Uploaded images and files, keyed by `partKey(messageIndex, partIndex)`. */
  attachments?: ReadonlyMap<string, ResolvedAttachment>;
}

/** The key under which the caller stores the upload of `messages[messageIndex].content[partIndex]`. */
export function partKey(messageIndex: number, partIndex: number): string {
  return `${messageIndex}:${partIndex}`;
}

export interface AttachmentPart {
  key: string;
  messageIndex: number;
  partIndex: number;
  part: ChatCompletionContentPart.File | Extract<ChatCompletionContentPart, { type: "image_url" }>;
}

/** The parts the caller must fetch and upload before calling `toUpstreamMessages`. */
export function listAttachmentParts(messages: readonly ChatCompletionMessageParam[]): AttachmentPart[] {
  const found: AttachmentPart[] = [];
  messages.forEach((message, messageIndex) => {
    if (!Array.isArray(message.content)) return;
    message.content.forEach((part, partIndex) => {
      if (part.type === "image_url" || part.type === "file") {
        found.push({ key: partKey(messageIndex, partIndex), messageIndex, partIndex, part });
      }
    });
  });
  return found;
}

type AnyPart = ChatCompletionContentPart | ChatCompletionContentPartRefusal;

/**
 * The route schemas guarantee these shapes; messages also come from other converters, so a field that is not a
 * string is a 400 naming it rather than a TypeError here or in the token count that reads the same fields.
 */
function stringAt(value: unknown, param: string): string {
  if (typeof value !== "string") throw new InvalidInputError(`Invalid value for '${param}': expected a string.`, { param, code: "invalid_type" });
  return value;
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function upstreamRole(message: ChatCompletionMessageParam, param: string): UpstreamMessageInput["author"]["role"] {
  switch (message.role) {
    case "system":
    case "developer":
      return "system";
    case "user":
    case "tool":
    case "function":
      return "user";
    case "assistant":
      return "assistant";
    default: {
      const role: unknown = (message as { role: unknown }).role;
      throw new InvalidInputError(`Unsupported role ${JSON.stringify(role)}.`, { param: `${param}.role` });
    }
  }
}

function toUpstreamAttachment(attachment: ResolvedAttachment): UpstreamAttachment {
  const entry: UpstreamAttachment = {
    id: attachment.fileId,
    size: attachment.sizeBytes,
    name: attachment.name,
    mime_type: attachment.mimeType,
  };
  if (attachment.width !== undefined) entry.width = attachment.width;
  if (attachment.height !== undefined) entry.height = attachment.height;
  return entry;
}

function toImagePointer(attachment: ResolvedAttachment): ImageAssetPointer {
  const pointer: ImageAssetPointer = {
    content_type: "image_asset_pointer",
    asset_pointer: `file-service://${attachment.fileId}`,
    size_bytes: attachment.sizeBytes,
  };
  if (attachment.width !== undefined) pointer.width = attachment.width;
  if (attachment.height !== undefined) pointer.height = attachment.height;
  return pointer;
}

interface ConvertedParts {
  parts: Array<string | ImageAssetPointer>;
  attachments: UpstreamAttachment[];
  allText: boolean;
}

function convertParts(
  content: readonly AnyPart[],
  messageIndex: number,
  attachments: ReadonlyMap<string, ResolvedAttachment> | undefined,
): ConvertedParts {
  const converted: ConvertedParts = { parts: [], attachments: [], allText: true };
  content.forEach((part, partIndex) => {
    const param = `messages[${messageIndex}].content[${partIndex}]`;
    switch (fieldsOf(part).type) {
      case "text":
        converted.parts.push(stringAt((part as { text?: unknown }).text, `${param}.text`));
        return;
      case "refusal":
        converted.parts.push(stringAt((part as { refusal?: unknown }).refusal, `${param}.refusal`));
        return;
      case "image_url":
      case "file": {
        const attachment = attachments?.get(partKey(messageIndex, partIndex));
        if (!attachment) throw new InvalidInputError(`The ${part.type} part ${param} could not be attached.`, { param });
        converted.allText = false;
        converted.attachments.push(toUpstreamAttachment(attachment));
        // the upstream shows only images inline; other files are read through the attachment list alone
        if (attachment.mimeType.startsWith("image/")) converted.parts.push(toImagePointer(attachment));
        return;
      }
      case "input_audio":
        throw new InvalidInputError(`Audio input is not supported (${param}).`, { param });
      default: {
        const type: unknown = fieldsOf(part).type;
        throw new InvalidInputError(`Unsupported content part type ${JSON.stringify(type)} (${param}).`, { param });
      }
    }
  });
  return converted;
}

function convertMessage(
  message: ChatCompletionMessageParam,
  messageIndex: number,
  options: ToUpstreamMessagesOptions,
): UpstreamMessageInput {
  const param = `messages[${messageIndex}]`;
  if (typeof message !== "object" || message === null) {
    throw new InvalidInputError(`Invalid value for '${param}': expected a message object.`, { param, code: "invalid_type" });
  }
  const role = upstreamRole(message, param);
  const raw: unknown = message.content;
  const converted =
    typeof raw === "string"
      ? { parts: [raw], attachments: [], allText: true }
      : convertParts(Array.isArray(raw) ? (raw as AnyPart[]) : [], messageIndex, options.attachments);

  const id = options.newId();
  if (converted.allText) {
    return { id, author: { role }, content: { content_type: "text", parts: [(converted.parts as string[]).join("\n\n")] }, metadata: {} };
  }
  return { id, author: { role }, content: { content_type: "multimodal_text", parts: converted.parts }, metadata: { attachments: converted.attachments } };
}

/**
 * Converts every message in order; throws InvalidRequestError naming the part it cannot send. The ChatGPT backend
 * has no function calling: tool calls and results are first written as the text blocks the model reads
 * (tool-prompt/tool-history.ts), one message for one, so indexes and attachment keys still hold.
 */
export function toUpstreamMessages(
  messages: readonly ChatCompletionMessageParam[],
  options: ToUpstreamMessagesOptions,
): UpstreamMessageInput[] {
  return toolHistoryAsText(messages).map((message, index) => convertMessage(message, index, options));
}
