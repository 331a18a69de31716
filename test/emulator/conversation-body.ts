/**
 * @module Strict validation of the conversation request body (upstream.md §5.1–5.3): shapes and types (422, FastAPI
 * style), then meaning — model access (404), conversation ownership (404), files of this account only (400).
 */
import type { UpstreamContent } from "../../src/engines/web/events.ts";
import type { Caller } from "./accounts.ts";
import type { ConversationStore, StoredConversation } from "./conversation-store.ts";
import type { FileStore } from "./file-store.ts";
import { detail, isRecord } from "./http.ts";
import type { ImagePointerLogEntry } from "./types.ts";

export interface InputMessage {
  id: string;
  role: string;
  content: UpstreamContent;
  metadata: Record<string, unknown>;
}

export interface ConversationRequest {
  action: "next" | "variant" | "continue";
  messages: InputMessage[];
  model: string;
  parentMessageId: string;
  conversation?: StoredConversation;
  historyEnabled: boolean;
  wantsV1: boolean;
  gizmoId?: string;
  attachments: unknown[];
  imagePointers: ImagePointerLogEntry[];
}

/** Far above any test prompt, so only a deliberately huge input meets the real service's 413. */
export const MAX_INPUT_CHARACTERS = 400_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLES = new Set(["system", "user", "assistant", "tool"]);
const ACTIONS = new Set(["next", "variant", "continue"]);

/** FastAPI's 422 shape: a list of `{loc, msg, type}`. */
function invalid(loc: (string | number)[], msg: string): never {
  throw detail(422, [{ loc: ["body", ...loc], msg, type: "value_error" }]);
}

function optional(body: Record<string, unknown>, key: string, check: (value: unknown) => boolean, what: string): void {
  if (key in body && !check(body[key])) invalid([key], `${key} must be ${what}`);
}

const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

function validateContent(content: unknown, loc: (string | number)[], pointers: ImagePointerLogEntry[]): UpstreamContent {
  if (!isRecord(content)) invalid(loc, "content must be an object");
  const parts = content.parts;
  if (content.content_type === "text") {
    if (!Array.isArray(parts) || parts.length === 0 || !isStringArray(parts)) invalid([...loc, "parts"], "text parts must be a non-empty list of strings");
    return { content_type: "text", parts: parts as string[] };
  }
  if (content.content_type === "multimodal_text") {
    if (!Array.isArray(parts) || parts.length === 0) invalid([...loc, "parts"], "multimodal_text parts must be a non-empty list");
    parts.forEach((part, i) => {
      if (typeof part === "string") return;
      if (!isRecord(part) || part.content_type !== "image_asset_pointer" || typeof part.asset_pointer !== "string") {
        invalid([...loc, "parts", i], "a part must be a string or an image_asset_pointer");
      }
      for (const key of ["size_bytes", "width", "height"]) {
        if (typeof part[key] !== "number") invalid([...loc, "parts", i, key], `${key} must be a number`);
      }
      pointers.push({ assetPointer: part.asset_pointer, width: part.width as number, height: part.height as number, sizeBytes: part.size_bytes as number });
    });
    return content as UpstreamContent;
  }
  return invalid([...loc, "content_type"], "content_type must be text or multimodal_text");
}

function validateMessage(raw: unknown, index: number, pointers: ImagePointerLogEntry[], attachments: unknown[]): InputMessage {
  const loc = ["messages", index];
  if (!isRecord(raw)) invalid(loc, "message must be an object");
  if (typeof raw.id !== "string" || !UUID.test(raw.id)) invalid([...loc, "id"], "id must be a UUID");
  const author = raw.author;
  if (!isRecord(author) || typeof author.role !== "string" || !ROLES.has(author.role)) {
    invalid([...loc, "author", "role"], "author.role must be system, user, assistant or tool");
  }
  const content = validateContent(raw.content, [...loc, "content"], pointers);
  const metadata = raw.metadata ?? {};
  if (!isRecord(metadata)) invalid([...loc, "metadata"], "metadata must be an object");
  if ("attachments" in metadata) {
    if (!Array.isArray(metadata.attachments)) invalid([...loc, "metadata", "attachments"], "attachments must be a list");
    metadata.attachments.forEach((attachment, i) => {
      if (!isRecord(attachment) || typeof attachment.id !== "string") invalid([...loc, "metadata", "attachments", i], "attachment needs an id");
      attachments.push(attachment);
    });
  }
  return { id: raw.id, role: author.role, content, metadata };
}

export function validateConversationBody(body: Record<string, unknown>, caller: Caller, files: FileStore, conversations: ConversationStore): ConversationRequest {
  const action = body.action;
  if (typeof action !== "string" || !ACTIONS.has(action)) invalid(["action"], "action must be next, variant or continue");
  if (!Array.isArray(body.messages)) invalid(["messages"], "messages must be a list");
  if (typeof body.model !== "string" || body.model === "") invalid(["model"], "model must be a non-empty string");
  if (typeof body.parent_message_id !== "string" || (body.parent_message_id !== "client-created-root" && !UUID.test(body.parent_message_id))) {
    invalid(["parent_message_id"], 'parent_message_id must be "client-created-root" or a UUID');
  }
  const mode = body.conversation_mode;
  if (!isRecord(mode) || (mode.kind !== "primary_assistant" && mode.kind !== "gizmo_interaction")) {
    invalid(["conversation_mode", "kind"], "conversation_mode.kind must be primary_assistant or gizmo_interaction");
  }
  if (mode.kind === "gizmo_interaction" && (typeof mode.gizmo_id !== "string" || !/^g-[\w-]+$/.test(mode.gizmo_id))) {
    invalid(["conversation_mode", "gizmo_id"], "gizmo_interaction needs a gizmo_id g-…");
  }
  optional(body, "history_and_training_disabled", (v) => typeof v === "boolean", "a boolean");
  optional(body, "conversation_id", (v) => typeof v === "string" && UUID.test(v), "a UUID");
  optional(body, "supported_encodings", isStringArray, "a list of strings");
  optional(body, "system_hints", isStringArray, "a list of strings");
  optional(body, "timezone_offset_min", (v) => typeof v === "number", "a number");
  optional(body, "timezone", (v) => typeof v === "string", "a string");
  optional(body, "force_use_sse", (v) => typeof v === "boolean", "a boolean");
  optional(body, "client_contextual_info", isRecord, "an object");

  const pointers: ImagePointerLogEntry[] = [];
  const attachments: unknown[] = [];
  const messages = body.messages.map((m, i) => validateMessage(m, i, pointers, attachments));
  if (action !== "continue" && !messages.some((m) => m.role === "user")) invalid(["messages"], `action ${action} needs a user message`);

  const length = messages.reduce((sum, m) => sum + ("parts" in m.content && Array.isArray(m.content.parts) ? m.content.parts.reduce<number>((n, p) => n + (typeof p === "string" ? p.length : 0), 0) : 0), 0);
  if (length > MAX_INPUT_CHARACTERS) {
    throw detail(413, { message: "The message you submitted was too long, please reload the conversation and submit something shorter.", code: "message_length_exceeds_limit" });
  }
  if (!caller.models.includes(body.model)) {
    throw detail(404, { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, code: "model_not_found" });
  }
  let conversation: StoredConversation | undefined;
  if (typeof body.conversation_id === "string") {
    conversation = conversations.persisted(caller.id, body.conversation_id);
    if (!conversation) throw detail(404, { message: `Conversation ${body.conversation_id} not found`, code: "conversation_not_found" });
    if (body.parent_message_id !== "client-created-root" && !conversation.messageIds.has(body.parent_message_id)) {
      throw detail(400, `parent_message_id ${body.parent_message_id} is not a message of conversation ${conversation.id}`);
    }
  } else if (action !== "next") {
    invalid(["conversation_id"], `action ${action} needs a conversation_id`);
  }
  for (const pointer of pointers) {
    const match = /^file-service:\/\/(file-[\w-]+)$/.exec(pointer.assetPointer);
    if (!match?.[1] || !files.usable(caller.id, match[1])) throw detail(400, `Image ${pointer.assetPointer} was not uploaded by this account`);
  }
  for (const attachment of attachments as { id: string }[]) {
    if (!files.usable(caller.id, attachment.id)) throw detail(400, `Attachment ${attachment.id} was not uploaded by this account`);
  }
  return {
    action: action as ConversationRequest["action"],
    messages,
    model: body.model,
    parentMessageId: body.parent_message_id,
    ...(conversation ? { conversation } : {}),
    historyEnabled: body.history_and_training_disabled !== true,
    wantsV1: Array.isArray(body.supported_encodings) && body.supported_encodings.includes("v1"),
    ...(mode.kind === "gizmo_interaction" ? { gizmoId: mode.gizmo_id as string } : {}),
    attachments,
    imagePointers: pointers,
  };
}
