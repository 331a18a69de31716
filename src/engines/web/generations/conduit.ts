/**
 * @module `POST {base}/f/conversation/prepare` (web-2026.md §1.8): announces the turn and answers the conduit token
 * the write sends back as `x-conduit-token`. When it fails, it is tried once more with state `success` and no
 * token, and then the write goes without one (§11 item 5): weaker routing, but an answer.
 */
import { readErrorResponse } from "../read-error-response.ts";
import { record } from "../requirements.ts";
import type { UpstreamSession } from "../session.ts";
import type { HandshakeTrace } from "./generation.ts";

export const CONDUIT_PREPARE_PATH = "f/conversation/prepare";

/** Failures that say something about the account or the caller, which a second prepare would only repeat. */
const FINAL_STATUSES = new Set([401, 403, 429]);

export interface ConduitOptions {
  /** The base and identity headers of this path, with the turn's `x-oai-turn-trace-id`. */
  headers: Record<string, string>;
  signal?: AbortSignal | undefined;
  trace: HandshakeTrace;
}

/** The conduit token for the write, or null to write without one. `body` is conduitPrepareBody's, state `none`. */
export async function prepareConduit(session: UpstreamSession, body: Record<string, unknown>, options: ConduitOptions): Promise<string | null> {
  // an existing chat's first prepare says `no-token`, a new chat's sends none (KY's live capture, §1.8)
  const first = body.conversation_id ? { ...options.headers, "x-conduit-token": "no-token" } : options.headers;
  const attempts = [
    { json: body, headers: first },
    { json: { ...body, client_prepare_state: "success" }, headers: options.headers },
  ];
  for (const [i, attempt] of attempts.entries()) {
    const response = await session.request(CONDUIT_PREPARE_PATH, { json: attempt.json, headers: attempt.headers, timeoutMs: 10_000, signal: options.signal });
    if (response.ok) {
      const root = record(await response.json().catch(() => null));
      const token = root.conduit_token ?? root.token;
      if (typeof token === "string" && token) return token;
      options.trace.notes.push("conduit prepare gave no token");
      return null;
    }
    const error = await readErrorResponse(response, "the conversation prepare");
    if (FINAL_STATUSES.has(response.status)) throw error;
    options.trace.notes.push(i === 0 ? `conduit prepare HTTP ${response.status}, again as success` : `conduit prepare HTTP ${response.status}, writing without conduit`);
  }
  return null;
}
