/**
 * @module The legacy rules (upstream.md §6.1) for one parsed stream object: a message snapshot, a moderation
 * verdict, an in-stream error, or another typed event. Both encodings end here, so they decode alike.
 */

import type { UpstreamEvent } from "../events.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value.ts";
import { toUpstreamMessage } from "./to-upstream-message.ts";

/** Objects matching no rule (and messages of an unusable shape) yield no event. */
export function decodeSnapshotObject(value: JsonObject): UpstreamEvent[] {
  const conversationId = typeof value.conversation_id === "string" ? value.conversation_id : null;
  const { message, error, type } = value;
  if (message !== undefined && message !== null) {
    const decoded = toUpstreamMessage(message);
    return decoded ? [{ type: "message", message: decoded, conversationId }] : [];
  }
  if (type === "moderation") {
    const response = value.moderation_response;
    const blocked = isJsonObject(response) && response.blocked === true;
    return [{ type: "moderation", conversationId, blocked, data: value }];
  }
  if (error) return [{ type: "error", conversationId, message: describeUpstreamError(error) }];
  if (typeof type === "string") return [{ type: "metadata", name: type, data: value }];
  return [];
}

/** The upstream's `error` is usually a string; objects carry a `message` or `detail`; the rest is shown as JSON. */
function describeUpstreamError(error: JsonValue): string {
  if (typeof error === "string") return error;
  if (error === true) return "the upstream reported an error without details";
  if (isJsonObject(error)) {
    if (typeof error.message === "string") return error.message;
    if (typeof error.detail === "string") return error.detail;
  }
  return JSON.stringify(error);
}
