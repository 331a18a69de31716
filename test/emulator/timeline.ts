/**
 * @module The internal event model: an answer is a list of frames — whole message snapshots and typed events —
 * recorded once, then encoded as legacy snapshots or v1 deltas, so both encodings describe the same answer.
 */
import { randomUUID } from "node:crypto";
import type { UpstreamContent, UpstreamMessage } from "../../src/engines/web/events.ts";
import { chunkWords } from "./reply-text.ts";

export type Frame =
  | { kind: "message"; message: UpstreamMessage }
  | { kind: "event"; data: Record<string, unknown> }
  | { kind: "done" };

export interface NewMessage {
  role: "user" | "assistant" | "tool" | "system";
  name?: string | null;
  content: UpstreamContent;
  recipient?: string;
  metadata?: Record<string, unknown>;
  status?: string;
  id?: string;
  /** 2026: `analysis` for reasoning, `final` for the answer. */
  channel?: string;
}

export interface TextOptions {
  /** The text of the last chunk arrives with the finishing event (true), or the finish adds no text (false). */
  lastChunkInFinish: boolean;
  endTurn: boolean;
  /** Metadata merged in by the finishing event. */
  finishMetadata?: Record<string, unknown>;
}

/** The real service ends a turn on token 200002 and hands over to a tool (or the next message) on 200007. */
const END_OF_TURN = { is_complete: true, finish_details: { type: "stop", stop_tokens: [200002] } };
const HAND_OVER = { is_complete: true, finish_details: { type: "stop", stop_tokens: [200007] } };

export class Timeline {
  readonly frames: Frame[] = [];
  private readonly latest = new Map<string, UpstreamMessage>();

  constructor(
    private readonly modelSlug: string,
    private readonly createTime: number,
  ) {}

  /** Records the first snapshot of a message (status in_progress unless given) and returns its id. */
  start(input: NewMessage, parentId: string | null): string {
    const id = input.id ?? randomUUID();
    const message: UpstreamMessage = {
      id,
      author: { role: input.role, name: input.name ?? null, metadata: {} },
      create_time: this.createTime,
      content: input.content,
      status: input.status ?? "in_progress",
      end_turn: null,
      recipient: input.recipient ?? "all",
      metadata: { ...(input.role === "user" ? {} : { model_slug: this.modelSlug, message_type: "next" }), parent_id: parentId, ...input.metadata },
      channel: input.channel ?? null,
    };
    this.push(message);
    return id;
  }

  /** Records the next snapshot of a message, changed by `change` on a copy of the last one. */
  update(id: string, change: (message: UpstreamMessage) => void): void {
    const last = this.latest.get(id);
    if (!last) throw new Error(`no message ${id} in this timeline`);
    const next = structuredClone(last);
    change(next);
    this.push(next);
  }

  event(data: Record<string, unknown>): void {
    this.frames.push({ kind: "event", data });
  }

  done(): void {
    this.frames.push({ kind: "done" });
  }

  /**
   * Streams `text` into `parts[0]` (or `text` of code-like content) 1–3 words per event, or in the chunks given, then
   * finishes.
   */
  streamText(id: string, text: string | string[], options: TextOptions): void {
    const chunks = typeof text === "string" ? chunkWords(text) : text;
    this.appendChunks(id, options.lastChunkInFinish ? chunks.slice(0, -1) : chunks);
    this.update(id, (m) => {
      if (options.lastChunkInFinish && chunks.length > 0) appendText(m, chunks.at(-1) ?? "");
      m.status = "finished_successfully";
      m.end_turn = options.endTurn;
      m.metadata = { ...m.metadata, ...(options.endTurn ? END_OF_TURN : HAND_OVER), ...options.finishMetadata };
    });
  }

  /** One in_progress snapshot per chunk, each adding the chunk to the message's text. */
  appendChunks(id: string, chunks: string[]): void {
    for (const piece of chunks) this.update(id, (m) => appendText(m, piece));
  }

  finish(id: string, endTurn: boolean | null): void {
    this.update(id, (m) => {
      m.status = "finished_successfully";
      m.end_turn = endTurn;
      m.metadata = { ...m.metadata, is_complete: true };
    });
  }

  /** The final snapshot of every message, in order of first appearance. */
  finalMessages(): UpstreamMessage[] {
    return [...this.latest.values()];
  }

  private push(message: UpstreamMessage): void {
    this.latest.set(message.id, message);
    this.frames.push({ kind: "message", message: structuredClone(message) });
  }
}

export function appendText(message: UpstreamMessage, piece: string): void {
  const content = message.content as { parts?: unknown[]; text?: unknown };
  if (Array.isArray(content.parts)) content.parts[0] = `${String(content.parts[0] ?? "")}${piece}`;
  else content.text = `${typeof content.text === "string" ? content.text : ""}${piece}`;
}

/** Keeps only each non-user message's last snapshot: the `no-in-progress` fault. */
export function withoutInProgress(frames: Frame[]): Frame[] {
  const last = new Map<string, number>();
  frames.forEach((frame, index) => {
    if (frame.kind === "message") last.set(frame.message.id, index);
  });
  return frames.filter((frame, index) => frame.kind !== "message" || frame.message.author.role === "user" || last.get(frame.message.id) === index);
}
