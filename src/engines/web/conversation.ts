/**
 * @module `POST {base}/conversation` (upstream.md §5) or, in 2026, `POST {base}/f/conversation` (web-2026.md §1.9):
 * sends the body with the sentinel headers and returns the decoded event stream. Error answers become typed
 * UpstreamErrors before any event is read.
 */
import type { UpstreamEvent } from "./events.ts";
import { UpstreamError } from "./errors.ts";
import { followHandoff } from "./handoff/follow-handoff.ts";
import { readErrorResponse } from "./read-error-response.ts";
import type { UpstreamSession } from "./session.ts";
import { decodeConversationStream } from "./sse/decode-conversation-stream.ts";

export interface SentinelHeaders {
  "openai-sentinel-chat-requirements-token"?: string;
  "openai-sentinel-proof-token"?: string;
  "openai-sentinel-turnstile-token"?: string;
  "openai-sentinel-arkose-token"?: string;
  /** 2026: finalize's `so_token`, when it gave one (web-2026.md §4.3). */
  "openai-sentinel-so-token"?: string;
}

/** A stream silent for this long is dead: reasoning models think for minutes, but the upstream keeps bytes flowing. */
const STALL_TIMEOUT_MS = 180_000;

export interface PostConversationOptions {
  /** Backend-relative: `conversation` (2024) or `f/conversation` (2026). */
  path?: string;
  /** The generation's own headers (2026: identity, conduit token, turn trace id). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function postConversation(
  session: UpstreamSession,
  body: unknown,
  sentinel: SentinelHeaders,
  options: PostConversationOptions = {},
): Promise<ReadableStream<UpstreamEvent>> {
  const { signal } = options;
  const response = await session.request(options.path ?? "conversation", {
    json: body,
    headers: { accept: "text/event-stream", ...options.headers, ...sentinel },
    timeoutMs: 60_000,
    signal,
  });
  if (!response.ok) throw await readErrorResponse(response, "the conversation");
  const contentType = response.headers.get("content-type") ?? "";
  if (!contentType.includes("text/event-stream") || !response.body) {
    const text = await response.text().catch(() => "");
    throw new UpstreamError("server", `ChatGPT answered the conversation with ${contentType || "no content type"} instead of a stream.`, {
      status: response.status,
      detail: text.slice(0, 100),
    });
  }
  // a 2026 stream may hand the answer off (web-2026.md §6.4): its next legs continue this one
  return decodeConversationStream(response.body, { follow: followHandoff(session, options.headers), stallMs: STALL_TIMEOUT_MS, ...(signal ? { signal } : {}) });
}
