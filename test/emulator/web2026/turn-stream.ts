/**
 * @module The 2026 stream of one turn (web-2026.md §6.1–§6.3, §10 items 19–21), built from the same frames as the
 * 2024 answer: `delta_encoding` (v1), `resume_conversation_token`, the user's message as an `input_message` event
 * (not a message of the stream), the answer's deltas, `message_marker`s, `server_ste_metadata` with the serving slug,
 * `conversation_detail_metadata`, `title_generation`, `message_stream_complete`, `[DONE]`.
 *
 * The result is split into `head` (what every delivery starts with) and `answer`, so a handoff delivery can be added
 * beside `inline`: it would write `head`, a `stream_handoff` event and `[DONE]`, and serve `answer` on the
 * WebSocket topic or the resume endpoint of `turnTopicId`.
 */
import { encodeDeltaV1 } from "../delta-v1.ts";
import { type EncodedStream, encodeLegacy } from "../legacy.ts";
import { pythonJson } from "../python-json.ts";
import type { Frame } from "../timeline.ts";

export interface TurnStreamInput {
  conversationId: string;
  turnExchangeId: string;
  resumeToken: string;
  encoding: "v1" | "legacy";
  realistic: boolean;
  /** The message that ends the turn: markers frame it. */
  lastMessageId: string;
  /** `server_ste_metadata.metadata` (model_slug, turn_use_case, …); turn_exchange_id is added. */
  steMetadata: Record<string, unknown>;
  /** The `conversation_detail_metadata` event's fields (realistic streams only). */
  detailMetadata: Record<string, unknown>;
}

export interface TurnStream {
  /** `delta_encoding` (v1) and `resume_conversation_token`; fault counts (`afterEvents`) start after these. */
  head: string[];
  answer: string[];
  /** `conversation-turn-<turn_exchange_id>`, the topic a handoff names. */
  turnTopicId: string;
}

/** Typed events that close a turn: the server's metadata goes in front of the first of them. */
const CLOSING_TYPES = new Set(["title_generation", "message_stream_complete"]);

function event(data: Record<string, unknown>): Frame {
  return { kind: "event", data };
}

/** The frames of the 2026 stream: the user echo becomes `input_message`, markers and server metadata are added. */
function turnFrames(frames: Frame[], input: TurnStreamInput): Frame[] {
  const cid = input.conversationId;
  const out: Frame[] = [];
  const lastIndex = frames.findLastIndex((f) => f.kind === "message" && f.message.id === input.lastMessageId);
  let markedFirst = false;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    out.push(event({ type: "server_ste_metadata", metadata: { ...input.steMetadata, turn_exchange_id: input.turnExchangeId }, conversation_id: cid }));
    if (input.realistic) out.push(event({ type: "conversation_detail_metadata", ...input.detailMetadata, conversation_id: cid }));
  };
  frames.forEach((frame, index) => {
    if (frame.kind === "message" && frame.message.author.role === "user") {
      if (input.realistic) out.push(event({ type: "input_message", input_message: frame.message, conversation_id: cid }));
      return;
    }
    if ((frame.kind === "event" && CLOSING_TYPES.has(String(frame.data.type))) || frame.kind === "done") close();
    out.push(frame);
    if (!input.realistic || frame.kind !== "message" || frame.message.id !== input.lastMessageId) return;
    if (!markedFirst) {
      markedFirst = true;
      out.push(event({ type: "message_marker", conversation_id: cid, message_id: frame.message.id, marker: "user_visible_token", event: "first" }));
    }
    if (index === lastIndex) out.push(event({ type: "message_marker", conversation_id: cid, message_id: frame.message.id, marker: "last_token", event: "last" }));
  });
  close();
  return out;
}

/** Real streams sometimes carry two payloads on one line (`data: {…}data: {…}`): the last marker and the metadata here. */
function joinMarkerAndMetadata(events: string[]): string[] {
  const at = events.findIndex((e) => e.startsWith("data: ") && /"marker": ?"last_token"/.test(e));
  const next = events[at + 1];
  if (at < 0 || next === undefined || !next.startsWith("data: ")) return events;
  return [...events.slice(0, at), `${(events[at] ?? "").trimEnd()}${next}`, ...events.slice(at + 2)];
}

export function encodeTurn2026(frames: Frame[], input: TurnStreamInput): TurnStream {
  const all = turnFrames(frames, input);
  const encoded: EncodedStream = input.encoding === "v1" ? encodeDeltaV1(all, input.conversationId) : encodeLegacy(all, input.conversationId);
  const serialize = input.encoding === "v1" ? JSON.stringify : pythonJson;
  const resume = `data: ${serialize({ type: "resume_conversation_token", kind: "topic", token: input.resumeToken, conversation_id: input.conversationId })}\n\n`;
  return {
    head: [...encoded.preamble, resume],
    answer: input.realistic ? joinMarkerAndMetadata(encoded.events) : encoded.events,
    turnTopicId: `conversation-turn-${input.turnExchangeId}`,
  };
}
