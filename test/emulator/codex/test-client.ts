/** @module Helpers for the Codex side's own tests: a correct Codex client's headers and body, and an SSE reader. */
import type { CodexAccount } from "./types.ts";

export const CLIENT_VERSION = "0.160.0";

/** What Codex CLI sends (codex.md §2.1), for this account. */
export function codexHeaders(account: Pick<CodexAccount, "accessToken" | "accountId">, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer ${account.accessToken}`,
    "chatgpt-account-id": account.accountId,
    "content-type": "application/json",
    accept: "text/event-stream",
    originator: "codex_cli_rs",
    "user-agent": `codex_cli_rs/${CLIENT_VERSION} (Linux 6.8; x86_64) xterm`,
    version: CLIENT_VERSION,
    ...extra,
  };
}

export function userMessage(text: string): Record<string, unknown> {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** A minimal valid body; `overrides` replace or add keys (undefined removes one). */
export function codexBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { model: "gpt-5.5", instructions: "", input: [userMessage("hello")], stream: true, store: false, ...overrides };
  for (const [key, value] of Object.entries(body)) if (value === undefined) delete body[key];
  return body;
}

export function postResponses(url: string, account: Pick<CodexAccount, "accessToken" | "accountId">, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/backend-api/codex/responses`, { method: "POST", headers: codexHeaders(account, headers), body: JSON.stringify(body) });
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown> & { type: string; sequence_number: number };
}

/** Reads the whole stream; `cut` is true when the connection dropped before its end. */
export async function readEvents(response: Response): Promise<{ events: SseEvent[]; cut: boolean; raw: string }> {
  let raw = "";
  let cut = false;
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  try {
    for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) raw += decoder.decode(r.value, { stream: true });
  } catch {
    cut = true;
  }
  const events = raw
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? "";
      const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "null") as SseEvent["data"];
      return { event, data };
    });
  return { events, cut, raw };
}

export function types(events: readonly SseEvent[]): string[] {
  return events.map((e) => e.data.type);
}
