/**
 * @module Turnstile and Arkose tokens, from services the user configures (upstream.md §4.5, §4.6). We ship no
 * solver: when the upstream requires one and none is configured, the request fails with a clear message.
 */
import { UpstreamError } from "./errors.ts";
import type { FetchLike } from "./session.ts";

async function postJson(fetch: FetchLike, url: string, body: unknown, timeoutMs: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const parsed: unknown = await response.json();
  return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
}

export async function fetchTurnstileToken(
  fetch: FetchLike,
  solverUrl: string | null,
  input: { host: string; requirementsToken: string; dx: string | null; userAgent: string },
): Promise<string> {
  if (!solverUrl) {
    throw new UpstreamError(
      "challenge-unavailable",
      "ChatGPT requires a Turnstile token for this request and no TURNSTILE_SOLVER_URL is configured.",
    );
  }
  try {
    const answer = await postJson(fetch, solverUrl, { url: input.host, p: input.requirementsToken, dx: input.dx, ua: input.userAgent }, 15_000);
    if (typeof answer.t === "string" && answer.t) return answer.t;
    throw new Error("no token in the answer");
  } catch (error) {
    throw new UpstreamError("challenge-unavailable", `The Turnstile service at TURNSTILE_SOLVER_URL failed: ${(error as Error).message}.`, { cause: error });
  }
}

export async function fetchArkoseToken(
  fetch: FetchLike,
  serviceUrls: readonly string[],
  input: { dx: string | null; persona: string | null; random: () => number },
): Promise<string> {
  if (serviceUrls.length === 0) {
    throw new UpstreamError("challenge-unavailable", "ChatGPT requires an Arkose token for this request and no ARKOSE_TOKEN_URL is configured.");
  }
  const url = serviceUrls[Math.floor(input.random() * serviceUrls.length)] as string;
  const method = input.persona === "chatgpt-freeaccount" ? "chat35" : "chat4";
  try {
    const answer = await postJson(fetch, url, { blob: input.dx, method }, 15_000);
    if (answer.solved === false) throw new Error("the service could not solve it");
    if (typeof answer.token === "string" && answer.token) return answer.token;
    throw new Error("no token in the answer");
  } catch (error) {
    throw new UpstreamError("challenge-unavailable", `The Arkose service at ARKOSE_TOKEN_URL failed: ${(error as Error).message}.`, { cause: error });
  }
}
