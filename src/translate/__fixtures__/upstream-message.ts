/** @module Test helper: hand-written upstream message snapshots with the boring fields filled in. */
import type { UpstreamContent, UpstreamEvent, UpstreamMessage } from "../../engines/web/events.ts";

export const CONVERSATION_ID = "c-1";

export interface MessageSpec {
  id: string;
  role?: string;
  text?: string;
  content?: UpstreamContent;
  status?: "in_progress" | "finished_successfully";
  endTurn?: boolean | null;
  recipient?: string;
  metadata?: Record<string, unknown>;
}

export function message(spec: MessageSpec): UpstreamEvent {
  const snapshot: UpstreamMessage = {
    id: spec.id,
    author: { role: spec.role ?? "assistant", name: null, metadata: {} },
    content: spec.content ?? { content_type: "text", parts: [spec.text ?? ""] },
    status: spec.status ?? "in_progress",
    end_turn: spec.endTurn ?? null,
    recipient: spec.recipient ?? "all",
    metadata: spec.metadata ?? {},
  };
  return { type: "message", message: snapshot, conversationId: CONVERSATION_ID };
}

/** A message streamed as the web app does: empty first, growing text, then finished. */
export function streamedText(id: string, pieces: readonly string[], final: Omit<MessageSpec, "id"> = {}): UpstreamEvent[] {
  const events = [message({ id, text: "", ...final, status: "in_progress", endTurn: null })];
  let text = "";
  for (const piece of pieces) {
    text += piece;
    events.push(message({ id, text, ...final, status: "in_progress", endTurn: null }));
  }
  events.push(message({ id, text, endTurn: true, ...final, status: "finished_successfully" }));
  return events;
}
