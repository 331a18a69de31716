/**
 * @module What the emulated Codex backend received while an agent worked: its turns (POST /backend-api/codex/responses,
 * as chat2api sent them) and the tool round trip among them, to show the task went through chat2api and the
 * agent's own tool.
 */
import type { EmulatorLogEntry } from "../emulator/types.ts";

export interface InputItem {
  type?: string;
  name?: string;
  call_id?: string;
}

export function codexTurns(log: readonly EmulatorLogEntry[]): EmulatorLogEntry[] {
  return log.filter((entry) => entry.method === "POST" && entry.path === "/backend-api/codex/responses");
}

function inputOf(entry: EmulatorLogEntry): InputItem[] {
  const body = entry.body as { input?: InputItem[] } | undefined;
  return body?.input ?? [];
}

/**
 * The first turn that sent a tool's output back: its `function_call` and whether that call's output came with it
 * (each as chat2api forwarded them from the agent's history).
 */
export function toolRoundTrip(turns: readonly EmulatorLogEntry[]): { call: InputItem | undefined; answered: boolean } {
  const items = turns.map(inputOf).find((input) => input.some((item) => item.type === "function_call_output")) ?? [];
  const call = items.find((item) => item.type === "function_call");
  const answered = call !== undefined && items.some((item) => item.type === "function_call_output" && item.call_id === call.call_id);
  return { call, answered };
}
