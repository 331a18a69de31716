/** @module Checks that a decoded `message` object has the shape `UpstreamMessage` promises, filling harmless gaps. */

import type { UpstreamMessage } from "../events.ts";
import { isJsonObject, type JsonValue } from "./json-value.ts";

/**
 * The message itself when it is well-formed (the usual case: no copy), a copy with defaults when only the fields a
 * consumer can do without are missing (`status` → `in_progress`, since nothing declared it finished; `end_turn` →
 * null; `recipient` → `all`; `metadata` → `{}`), and `undefined` when it lacks an id, an author role, or content
 * of a known type in its documented shape (text without `parts`, code without `text`, …).
 */
export function toUpstreamMessage(value: JsonValue): UpstreamMessage | undefined {
  if (isUpstreamMessage(value)) return value;
  if (!isJsonObject(value)) return undefined;
  const filled = {
    ...value,
    status: typeof value.status === "string" ? value.status : "in_progress",
    end_turn: typeof value.end_turn === "boolean" ? value.end_turn : null,
    recipient: typeof value.recipient === "string" ? value.recipient : "all",
    metadata: isJsonObject(value.metadata) ? value.metadata : {},
  };
  return isUpstreamMessage(filled) ? filled : undefined;
}

function isUpstreamMessage(value: unknown): value is UpstreamMessage {
  if (!isJsonObject(value)) return false;
  const { id, author, content, status, end_turn, recipient, metadata } = value;
  return (
    typeof id === "string" &&
    isJsonObject(author) &&
    typeof author.role === "string" &&
    isContent(content) &&
    typeof status === "string" &&
    (end_turn === null || typeof end_turn === "boolean") &&
    typeof recipient === "string" &&
    isJsonObject(metadata)
  );
}

function isContent(content: JsonValue | undefined): boolean {
  if (!isJsonObject(content) || typeof content.content_type !== "string") return false;
  switch (content.content_type) {
    case "text":
      return Array.isArray(content.parts) && content.parts.every((part) => typeof part === "string");
    case "multimodal_text":
      return (
        Array.isArray(content.parts) &&
        content.parts.every((part) => typeof part === "string" || isJsonObject(part))
      );
    case "code":
    case "execution_output":
      return typeof content.text === "string";
    default:
      return true;
  }
}
