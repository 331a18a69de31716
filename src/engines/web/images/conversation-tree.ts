/**
 * @module `GET {B}/conversation/{id}` (web-2026.md §7.2 item 3, §10 item 25): the conversation's mapping tree, read
 * for the messages it holds. One look, classified for the poller: the messages, a reason to look again (429, which the
 * backend answers right after a stream; a 5xx; a network failure), or a refusal that no later look will change.
 */
import { UpstreamError } from "../errors.ts";
import type { UpstreamMessage } from "../events.ts";
import { readErrorResponse } from "../read-error-response.ts";
import type { UpstreamSession } from "../session.ts";
import { isJsonObject } from "../sse/json-value.ts";
import { toUpstreamMessage } from "../sse/to-upstream-message.ts";

export type TreeLook =
  | { type: "tree"; messages: UpstreamMessage[] }
  /** `retryAfterMs`: what the upstream asked for (`Retry-After`), when it did. */
  | { type: "again"; reason: string; retryAfterMs: number | null }
  | { type: "refused"; error: UpstreamError };

/** Reads a conversation's tree once; never throws but for the caller's abort. */
export type ReadConversationTree = (conversationId: string, signal?: AbortSignal) => Promise<TreeLook>;

const LOOK_TIMEOUT_MS = 20_000;

export function conversationPath(conversationId: string): string {
  return `conversation/${encodeURIComponent(conversationId)}`;
}

function retryAfterMs(response: Response): number | null {
  const seconds = Number(response.headers.get("retry-after") ?? "");
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
}

/** Every well-formed message of the tree's `mapping` (node order; the caller looks them up by id or task). */
export function treeMessages(body: unknown): UpstreamMessage[] {
  if (!isJsonObject(body) || !isJsonObject(body.mapping)) return [];
  const messages: UpstreamMessage[] = [];
  for (const node of Object.values(body.mapping)) {
    if (!isJsonObject(node) || node.message === undefined || node.message === null) continue;
    const message = toUpstreamMessage(node.message);
    if (message) messages.push(message);
  }
  return messages;
}

export function conversationTreeReader(session: UpstreamSession): ReadConversationTree {
  return async (conversationId, signal) => {
    let response: Response;
    try {
      response = await session.request(conversationPath(conversationId), { timeoutMs: LOOK_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { type: "again", reason: error instanceof Error ? error.message : "the connection failed", retryAfterMs: null };
    }
    if (response.status === 429 || response.status >= 500) {
      const error = await readErrorResponse(response, "the conversation look-up");
      return { type: "again", reason: error.message, retryAfterMs: retryAfterMs(response) };
    }
    if (!response.ok) return { type: "refused", error: await readErrorResponse(response, "the conversation look-up") };
    const body: unknown = await response.json().catch(() => null);
    if (!isJsonObject(body) || !isJsonObject(body.mapping)) {
      return { type: "again", reason: "ChatGPT answered the conversation look-up without its tree", retryAfterMs: null };
    }
    return { type: "tree", messages: treeMessages(body) };
  };
}
