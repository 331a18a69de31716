/**
 * @module The handoff chain of one conversation (web-2026.md §6.4, §11 item 7): `f/conversation/resume` first, the
 * WebSocket topic where resume is refused. Either leg gets the write's identity headers with its own target path,
 * without the write's single-use conduit token.
 */
import { UpstreamError } from "../errors.ts";
import type { UpstreamSession } from "../session.ts";
import type { Handoff } from "./handoff-watch.ts";
import { openResume, RESUME_PATH } from "./resume.ts";
import { openTopicSocket, WS_URL_PATH } from "./websocket.ts";

/** The write's headers, re-aimed at `path`. */
function headersFor(session: UpstreamSession, writeHeaders: Record<string, string>, path: string): Record<string, string> {
  const { "x-conduit-token": _conduit, "x-openai-target-path": target, "x-openai-target-route": _route, ...rest } = writeHeaders;
  if (target === undefined) return rest;
  const pathname = new URL(session.url(path)).pathname;
  return { ...rest, "x-openai-target-path": pathname, "x-openai-target-route": pathname };
}

/** Opens the next leg of a handed-off turn: the raw SSE bytes of the rest of it. */
export type FollowHandoff = (handoff: Handoff, signal?: AbortSignal) => Promise<ReadableStream<Uint8Array>>;

export function followHandoff(session: UpstreamSession, writeHeaders: Record<string, string> = {}): FollowHandoff {
  return async (handoff, signal) => {
    const withSignal = signal ? { signal } : {};
    try {
      return await openResume(session, handoff, { headers: headersFor(session, writeHeaders, RESUME_PATH), ...withSignal });
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind === "network" || signal?.aborted) throw error;
      return openTopicSocket(session, handoff, { headers: headersFor(session, writeHeaders, WS_URL_PATH), ...withSignal });
    }
  };
}
