/**
 * @module Stream handoff (web-2026.md §6.4, §10 items 22 and 24): in handoff mode the write's HTTP stream ends after
 * its head, a `stream_handoff` event and `[DONE]`; the answer is kept here under the turn's topic and served by
 * `POST {B}/f/conversation/resume` (this file) or the WebSocket topic (handoff-socket.ts).
 */
import type { Caller } from "../accounts.ts";
import { detail, readJsonObject } from "../http.ts";
import { sseResponse } from "../sse-response.ts";
import type { ResumeTokens } from "./resume-token.ts";

/** `none`: the answer is in the write's stream; `resume`: handed off, resume and WebSocket serve it; `websocket`: handed off, resume refused. */
export type HandoffMode = "none" | "resume" | "websocket";

export interface HandedOffTurn {
  ownerId: string;
  conversationId: string;
  /** `conversation-turn-<turn_exchange_id>`. */
  topicId: string;
  /** The answer's SSE events, `[DONE]` last. */
  answer: string[];
}

/** The answers of handed-off turns, by topic; every turn of a conversation stays readable (resume is a read). */
export class HandedOffTurns {
  private readonly byTopic = new Map<string, HandedOffTurn>();

  keep(turn: HandedOffTurn): void {
    this.byTopic.set(turn.topicId, turn);
  }

  /** A turn of this owner on this topic. */
  topic(ownerId: string, topicId: string): HandedOffTurn | undefined {
    const turn = this.byTopic.get(topicId);
    return turn?.ownerId === ownerId ? turn : undefined;
  }

  /** The latest handed-off turn of this owner's conversation. */
  latest(ownerId: string, conversationId: string): HandedOffTurn | undefined {
    return [...this.byTopic.values()].findLast((t) => t.ownerId === ownerId && t.conversationId === conversationId);
  }
}

/** The `stream_handoff` event naming both ways to the rest of the turn. */
export function handoffEvent(conversationId: string, turnExchangeId: string, topicId: string): string {
  const options = [
    { type: "resume_sse_endpoint", topic_id: topicId },
    { type: "subscribe_ws_topic", topic_id: topicId },
  ];
  return `data: ${JSON.stringify({ type: "stream_handoff", conversation_id: conversationId, turn_exchange_id: turnExchangeId, options })}\n\n`;
}

/** The resume stream re-emits `stream_handoff` (§6.4.2), then the answer from `offset`. */
function resumeEvents(turn: HandedOffTurn, offset: number): string[] {
  const turnExchangeId = turn.topicId.replace(/^conversation-turn-/, "");
  return [handoffEvent(turn.conversationId, turnExchangeId, turn.topicId), ...turn.answer.slice(offset)];
}

function readOffset(value: unknown, length: number): number {
  const offset = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) throw detail(422, 'Field "offset" must be a non-negative integer');
  if (offset > length) throw detail(416, `Offset ${offset} is past the end of the turn (${length} events)`);
  return offset;
}

export interface ResumeDeps {
  mode: HandoffMode;
  turns: HandedOffTurns;
  resumeTokens: ResumeTokens;
  chunkDelayMs: number;
}

/**
 * `POST {B}/f/conversation/resume`: `{conversation_id, offset}` (the browser's shape) or `{conversation_id, topic_id}`
 * with `x-conduit-token: <resume token>` (QW-fork's). A token this emulator did not sign, or for another topic, is a
 * 403; an unknown turn a 404 JSON; in `websocket` mode every resume is a 404, as the non-browser replay saw.
 */
export async function handleResume(request: Request, caller: Caller, deps: ResumeDeps): Promise<Response> {
  const body = await readJsonObject(request);
  const conversationId = body.conversation_id;
  if (typeof conversationId !== "string" || conversationId === "") throw detail(422, 'Field "conversation_id" is required');
  if (deps.mode === "websocket") throw detail(404, "Conversation stream not found");
  let turn: HandedOffTurn | undefined;
  let offset = 0;
  if (body.topic_id !== undefined) {
    if (typeof body.topic_id !== "string") throw detail(422, 'Field "topic_id" must be a string');
    const claims = deps.resumeTokens.read(request.headers.get("x-conduit-token") ?? "");
    if (!claims || claims.turn_topic_id !== body.topic_id) throw detail(403, "Invalid resume token for this topic");
    turn = deps.turns.topic(caller.id, body.topic_id);
    if (body.offset !== undefined && turn) offset = readOffset(body.offset, turn.answer.length);
  } else {
    if (body.offset === undefined) throw detail(422, 'Either "offset" or "topic_id" is required');
    turn = deps.turns.latest(caller.id, conversationId);
    if (turn) offset = readOffset(body.offset, turn.answer.length);
  }
  if (!turn || turn.conversationId !== conversationId) throw detail(404, "Conversation stream not found");
  return sseResponse(resumeEvents(turn, offset), { delayMs: deps.chunkDelayMs });
}

export function isHandoffMode(value: unknown): value is HandoffMode {
  return value === "none" || value === "resume" || value === "websocket";
}
