/**
 * @module `POST {B}/f/conversation/resume` (web-2026.md §6.4.2): the rest of a handed-off turn as SSE. Two body shapes
 * are reported; the topic one (with the resume token as `x-conduit-token`) is tried first because we hold the token,
 * then the browser's `{conversation_id, offset}`. Resume is a read, so trying twice is safe; the write is never
 * re-sent.
 */
import { UpstreamError } from "../errors.ts";
import { readErrorResponse } from "../read-error-response.ts";
import type { UpstreamSession } from "../session.ts";
import type { Handoff } from "./handoff-watch.ts";

export const RESUME_PATH = "f/conversation/resume";

export interface ResumeOptions {
  /** The generation's headers for this path (identity, target path). */
  headers: Record<string, string>;
  signal?: AbortSignal;
}

/** The resume stream's body, or throws the last refusal as an UpstreamError. */
export async function openResume(session: UpstreamSession, handoff: Handoff, options: ResumeOptions): Promise<ReadableStream<Uint8Array>> {
  const attempts: Array<{ json: Record<string, unknown>; headers: Record<string, string> }> = [];
  if (handoff.resumeToken) {
    attempts.push({ json: { conversation_id: handoff.conversationId, topic_id: handoff.topicId }, headers: { "x-conduit-token": handoff.resumeToken } });
  }
  attempts.push({ json: { conversation_id: handoff.conversationId, offset: 0 }, headers: {} });
  let refusal: UpstreamError | undefined;
  for (const attempt of attempts) {
    const response = await session.request(RESUME_PATH, {
      json: attempt.json,
      headers: { accept: "text/event-stream", ...options.headers, ...attempt.headers },
      timeoutMs: 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (response.ok && response.body && (response.headers.get("content-type") ?? "").includes("text/event-stream")) return response.body;
    refusal = response.ok ? new UpstreamError("server", "ChatGPT answered the resume call without a stream.", { status: response.status }) : await readErrorResponse(response, "the stream resume");
    if (!response.bodyUsed) await response.body?.cancel().catch(() => {});
  }
  throw refusal ?? new UpstreamError("stream", "The stream could not be resumed.");
}
