/**
 * @module Images that finish after the stream (web-2026.md §7.2 item 2-3, §10 items 25-26). With `asyncImages` on, an
 * image turn streams its tool message as a "Processing image…" placeholder (`async_task_type: "image_gen"`,
 * `image_gen_task_id`, no pointer) and ends; the finished message, pointer included and under the same id, is only in
 * the conversation tree of `GET {B}/conversation/{id}`, which answers 429 when polled within 200 ms of the write. With
 * `asyncImageDelayMs` the tree shows the placeholder until that long after the write (null: for good, a task that
 * never finishes), so a client must look again.
 */
import { randomUUID } from "node:crypto";
import type { UpstreamMessage } from "../../../src/engines/web/events.ts";
import type { Caller } from "../accounts.ts";
import { detail, json } from "../http.ts";
import type { Frame } from "../timeline.ts";

/** A poll this soon after the write is refused, as the real backend does right after a stream (§7.2 item 3). */
export const TOO_SOON_MS = 200;
const PLACEHOLDER_TEXT = "Processing image\u2026";

interface Tree {
  ownerId: string;
  title: string;
  messages: UpstreamMessage[];
  writtenAt: number;
  /** Image messages still drawing: their placeholder, shown until `readyAt` (emulator clock). */
  drawing: Map<string, { placeholder: UpstreamMessage; readyAt: number }>;
}

/** The image message as it looks while the task runs: the placeholder text, the task in its metadata. */
function placeholderOf(message: UpstreamMessage, taskId: string): UpstreamMessage {
  return {
    ...message,
    content: { content_type: "text", parts: [PLACEHOLDER_TEXT] },
    status: "finished_successfully",
    metadata: { ...message.metadata, async_task_type: "image_gen", image_gen_task_id: taskId, async_task_title: "Image" },
  };
}

/** The stream's frames with the image message reduced to its placeholder; the task id it carries. */
export function withPlaceholder(frames: Frame[], imageMessageId: string): { frames: Frame[]; taskId: string } {
  const taskId = `task_${randomUUID().replaceAll("-", "")}`;
  let placed = false;
  const out: Frame[] = [];
  for (const frame of frames) {
    if (frame.kind !== "message" || frame.message.id !== imageMessageId) {
      out.push(frame);
      continue;
    }
    // one snapshot, not the growing pointer: the image is not there yet
    if (placed) continue;
    placed = true;
    out.push({ kind: "message", message: placeholderOf(frame.message, taskId) });
  }
  return { frames: out, taskId };
}

export class ConversationTrees {
  private readonly trees = new Map<string, Tree>();

  /** `delayMs()`: the `asyncImageDelayMs` setting in force when a turn is kept. */
  constructor(
    private readonly now: () => number,
    private readonly delayMs: () => number | null = () => 0,
  ) {}

  /** Keeps a turn's final messages (the finished image among them) under its conversation. */
  keep(ownerId: string, conversationId: string, title: string, messages: UpstreamMessage[], taskId: string, imageMessageId: string): void {
    const tree = this.trees.get(conversationId) ?? { ownerId, title, messages: [], writtenAt: 0, drawing: new Map() };
    const finished = messages.map((m) => (m.id === imageMessageId ? { ...m, metadata: { ...m.metadata, async_task_type: "image_gen", image_gen_task_id: taskId } } : m));
    const writtenAt = this.now();
    const delay = this.delayMs();
    const image = finished.find((m) => m.id === imageMessageId);
    if (image) tree.drawing.set(imageMessageId, { placeholder: placeholderOf(image, taskId), readyAt: delay === null ? Number.POSITIVE_INFINITY : writtenAt + delay });
    this.trees.set(conversationId, { ...tree, messages: [...tree.messages, ...finished], writtenAt });
  }

  /** A message as the tree shows it now: an image still drawing is its placeholder. */
  private shown(tree: Tree, message: UpstreamMessage): UpstreamMessage {
    const drawing = tree.drawing.get(message.id);
    return drawing && this.now() < drawing.readyAt ? drawing.placeholder : message;
  }

  /** `GET {B}/conversation/{id}`: the mapping tree, 404 for unknown or foreign conversations. */
  conversation(caller: Caller, id: string): Response {
    const tree = this.trees.get(id);
    if (!tree || tree.ownerId !== caller.id) throw detail(404, "Conversation not found");
    if (this.now() - tree.writtenAt < TOO_SOON_MS) throw detail(429, "Too many requests, please slow down");
    const root = "client-created-root";
    const mapping: Record<string, unknown> = { [root]: { id: root, message: null, parent: null, children: tree.messages.slice(0, 1).map((m) => m.id) } };
    tree.messages.forEach((message, i) => {
      const next = tree.messages[i + 1];
      mapping[message.id] = { id: message.id, message: this.shown(tree, message), parent: i === 0 ? root : tree.messages[i - 1]?.id, children: next ? [next.id] : [] };
    });
    return json(200, { conversation_id: id, title: tree.title, current_node: tree.messages.at(-1)?.id ?? root, mapping, is_archived: false });
  }
}
