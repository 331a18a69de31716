/** @module Encodes an answer's frames as the legacy stream (upstream.md §6.1): one whole snapshot per event. */
import { pythonJson } from "./python-json.ts";
import type { Frame } from "./timeline.ts";

/** One SSE event per string; `preamble` events come before the answer and are not counted by faults. */
export interface EncodedStream {
  preamble: string[];
  events: string[];
}

export function encodeLegacy(frames: Frame[], conversationId: string): EncodedStream {
  const events = frames.map((frame) => {
    if (frame.kind === "done") return "data: [DONE]\n\n";
    const payload = frame.kind === "message" ? { message: frame.message, conversation_id: conversationId, error: null } : frame.data;
    return `data: ${pythonJson(payload)}\n\n`;
  });
  return { preamble: [], events };
}

/** The in-stream failure shape chat2api checks for: no message, a truthy error (upstream.md §15 item 16). */
export function errorEvent(conversationId: string, message: string, encoding: "v1" | "legacy"): string {
  const payload = { message: null, conversation_id: conversationId, error: message };
  return `data: ${encoding === "legacy" ? pythonJson(payload) : JSON.stringify(payload)}\n\n`;
}
