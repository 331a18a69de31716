/**
 * @module Encodes an answer's frames as delta encoding v1 (upstream.md §6.2, §15 item 11): a root `add` with `c` per
 * new message, `append` with sticky bare `{"v":…}` continuations, several changes at once as one `patch`.
 */
import { diffJson } from "./json-diff.ts";
import type { EncodedStream } from "./legacy.ts";
import type { Frame } from "./timeline.ts";

export function encodeDeltaV1(frames: Frame[], conversationId: string): EncodedStream {
  const events: string[] = [];
  let counter = 0;
  let current: { id: string; snapshot: unknown } | undefined;
  const finished = new Set<string>();
  /** The `p`/`o` a bare `{"v":…}` would inherit; unknown after a root add (chat2api does not update it there). */
  let sticky: { p: string; o: string } | undefined;

  for (const frame of frames) {
    if (frame.kind === "done") {
      events.push("data: [DONE]\n\n");
      continue;
    }
    if (frame.kind === "event") {
      events.push(`data: ${JSON.stringify(frame.data)}\n\n`);
      continue;
    }
    const { message } = frame;
    if (current?.id !== message.id) {
      // Deltas apply to the newest document only: a message cannot be resumed once the next one has started.
      if (finished.has(message.id)) throw new Error(`delta v1 cannot return to message ${message.id}`);
      if (current) finished.add(current.id);
      const document = { message, conversation_id: conversationId, error: null };
      events.push(`event: delta\ndata: ${JSON.stringify({ p: "", o: "add", v: document, c: counter++ })}\n\n`);
      current = { id: message.id, snapshot: message };
      sticky = undefined;
      continue;
    }
    const ops = diffJson("/message", current.snapshot, message);
    current.snapshot = message;
    const [only] = ops;
    if (ops.length === 0 || only === undefined) continue;
    if (ops.length > 1) {
      events.push(`event: delta\ndata: ${JSON.stringify({ p: "", o: "patch", v: ops })}\n\n`);
      sticky = { p: "", o: "patch" };
    } else if (only.o === "append" && sticky?.p === only.p && sticky.o === only.o) {
      // Real streams omit the event line on some data lines; continuations are where we do it.
      events.push(`data: ${JSON.stringify({ v: only.v })}\n\n`);
    } else {
      events.push(`event: delta\ndata: ${JSON.stringify(only)}\n\n`);
      sticky = { p: only.p, o: only.o };
    }
  }
  return { preamble: ['event: delta_encoding\ndata: "v1"\n\n'], events };
}
