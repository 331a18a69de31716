/**
 * @module `POST {base}/sentinel/chat-requirements` (upstream.md §4.1): which challenges this conversation needs.
 */
import { UpstreamError } from "./errors.ts";
import { readErrorResponse } from "./read-error-response.ts";
import type { UpstreamSession } from "./session.ts";

export interface ChatRequirements {
  persona: string | null;
  token: string;
  proofOfWork: { required: boolean; seed: string; difficulty: string } | null;
  turnstile: { required: boolean; dx: string | null };
  arkose: { required: boolean; dx: string | null };
}

export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The challenges of a requirements answer, the same in the 2024 response and the 2026 prepare response. */
export type SentinelChallenges = Pick<ChatRequirements, "persona" | "proofOfWork" | "turnstile" | "arkose">;

export function parseChallenges(root: Record<string, unknown>): SentinelChallenges {
  const pow = record(root.proofofwork);
  const turnstile = record(root.turnstile);
  const arkose = record(root.arkose);
  return {
    persona: typeof root.persona === "string" ? root.persona : null,
    proofOfWork:
      pow.required === true && typeof pow.seed === "string" && typeof pow.difficulty === "string"
        ? { required: true, seed: pow.seed, difficulty: pow.difficulty }
        : null,
    turnstile: { required: turnstile.required === true, dx: typeof turnstile.dx === "string" ? turnstile.dx : null },
    arkose: { required: arkose.required === true, dx: typeof arkose.dx === "string" ? arkose.dx : null },
  };
}

export function parseChatRequirements(body: unknown): ChatRequirements {
  const root = record(body);
  const token = root.token;
  if (typeof token !== "string" || token.length === 0) {
    throw new UpstreamError("forbidden", "ChatGPT did not issue a chat requirements token.");
  }
  return { ...parseChallenges(root), token };
}

export async function fetchChatRequirements(session: UpstreamSession, requirementsToken: string, signal?: AbortSignal): Promise<ChatRequirements> {
  const response = await session.request("sentinel/chat-requirements", {
    json: { p: requirementsToken },
    timeoutMs: 10_000,
    signal,
  });
  if (!response.ok) throw await readErrorResponse(response, "chat-requirements");
  return parseChatRequirements(await response.json().catch(() => null));
}
