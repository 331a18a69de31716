/**
 * @module The two-phase sentinel of 2026 (web-2026.md §1.5, §1.6): `chat-requirements/prepare` `{p}` answers a
 * single-use `prepare_token` and the challenges; `…/finalize` `{prepare_token, proofofwork, turnstile}` answers the
 * write token. Both tokens belong to one write: a new write prepares again.
 */
import { UpstreamError } from "../errors.ts";
import { readErrorResponse } from "../read-error-response.ts";
import { parseChallenges, record, type SentinelChallenges } from "../requirements.ts";
import type { UpstreamSession } from "../session.ts";

export const SENTINEL_PREPARE_PATH = "sentinel/chat-requirements/prepare";
export const SENTINEL_FINALIZE_PATH = "sentinel/chat-requirements/finalize";

export interface SentinelPrepared extends SentinelChallenges {
  prepareToken: string;
  /** Anonymous callers must log in (web-2026.md §1.2). */
  forceLogin: boolean;
  so: { required: boolean };
}

export interface SentinelFinalized {
  persona: string | null;
  /** `openai-sentinel-chat-requirements-token` of the write. */
  token: string;
  /** Sent as `openai-sentinel-so-token` when present (QW's reading of §4.3). */
  soToken: string | null;
}

interface CallOptions {
  headers: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export async function prepareSentinel(session: UpstreamSession, requirementsToken: string, options: CallOptions): Promise<SentinelPrepared> {
  const response = await session.request(SENTINEL_PREPARE_PATH, { json: { p: requirementsToken }, headers: options.headers, timeoutMs: 10_000, signal: options.signal });
  if (!response.ok) throw await readErrorResponse(response, "sentinel prepare");
  const root = record(await response.json().catch(() => null));
  const prepareToken = root.prepare_token;
  if (typeof prepareToken !== "string" || prepareToken.length === 0) {
    throw new UpstreamError("forbidden", "ChatGPT's sentinel prepare issued no prepare token.");
  }
  return { ...parseChallenges(root), prepareToken, forceLogin: root.force_login === true, so: { required: record(root.so).required === true } };
}

/** `proof` and `turnstile` are left out of the body when there is none (as AU and AR do). */
export async function finalizeSentinel(
  session: UpstreamSession,
  answers: { prepareToken: string; proof: string | null; turnstile: string | null },
  options: CallOptions,
): Promise<SentinelFinalized> {
  const json: Record<string, string> = { prepare_token: answers.prepareToken };
  if (answers.proof) json.proofofwork = answers.proof;
  if (answers.turnstile) json.turnstile = answers.turnstile;
  const response = await session.request(SENTINEL_FINALIZE_PATH, { json, headers: options.headers, timeoutMs: 10_000, signal: options.signal });
  if (!response.ok) throw await readErrorResponse(response, "sentinel finalize");
  const root = record(await response.json().catch(() => null));
  const token = root.token;
  if (typeof token !== "string" || token.length === 0) throw new UpstreamError("forbidden", "ChatGPT's sentinel finalize issued no chat requirements token.");
  return {
    persona: typeof root.persona === "string" ? root.persona : null,
    token,
    soToken: typeof root.so_token === "string" && root.so_token ? root.so_token : null,
  };
}
