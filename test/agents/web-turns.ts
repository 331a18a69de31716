/**
 * @module What the emulated web backend received while an agent worked on a web model: its conversation writes (as
 * chat2api sent them, the tool instructions and results rendered as text), and the `<tool_call>` block a script makes
 * the web model write (tool-calls.md §1).
 */
import type { EmulatorLogEntry } from "../emulator/types.ts";

/**
 * Text found only in a request chat2api sent with tools described (the fixed block format of tool-calls.md §1 is in
 * its instructions): a script matching it answers the agent's main turn, not its title or memory side requests.
 */
export const TOOL_PROMPT_MARK = "<tool_call>";

export interface WebTurn {
  status: number;
  account: string;
  model: string | undefined;
  /** Each message's text parts joined, in order. */
  texts: string[];
}

interface UpstreamMessage {
  content?: { parts?: unknown[]; text?: unknown };
}

/** The conversation writes (2024 `/backend-api/conversation`, 2026 `/backend-api/f/conversation`), in order. */
export function webTurns(log: readonly EmulatorLogEntry[]): WebTurn[] {
  return log
    .filter((entry) => entry.method === "POST" && /^\/backend-(api|anon)\/(f\/)?conversation$/.test(entry.path))
    .map((entry) => {
      const messages = ((entry.body as { messages?: UpstreamMessage[] } | undefined)?.messages ?? []);
      const texts = messages.map((m) => (Array.isArray(m.content?.parts) ? m.content.parts.filter((p) => typeof p === "string").join("\n") : typeof m.content?.text === "string" ? m.content.text : ""));
      return { status: entry.status, account: entry.account, model: entry.model, texts };
    });
}

/** A tool-call block as the web model writes it, cut into chunks inside the tag and the JSON (as a stream would be). */
export function toolBlock(name: string, args: Record<string, unknown>): string[] {
  const json = JSON.stringify({ name, arguments: args });
  const half = Math.floor(json.length / 2);
  return ["<tool", `_call>\n${json.slice(0, half)}`, `${json.slice(half)}\n</tool_`, "call>"];
}
