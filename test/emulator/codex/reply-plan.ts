/**
 * @module What the emulated model answers: a scripted reply queued by the test, else the shell rule for agents, else
 * an answer to tool outputs, else the echo `You said: …` (`[[words:N]]` for long answers), as the web side does.
 */
import { detail } from "../http.ts";
import { parseDirectives, replyText } from "../reply-text.ts";
import type { CodexRequest } from "./request-body.ts";
import { type PlannedCall, shellRule } from "./shell-rule.ts";
import type { CodexScriptedCall, CodexScriptedReply } from "./types.ts";

export interface ReplyPlan {
  text: string;
  /** Summary parts, when the request asked for summaries. */
  summary: string[];
  calls: PlannedCall[];
  fragmentChars: number;
  emptyOutput: boolean;
}

const DEFAULT_FRAGMENT_CHARS = 3;
const TOOL_OUTPUT_ECHO_CHARS = 200;

export class ScriptQueue {
  private queue: CodexScriptedReply[] = [];

  push(replies: CodexScriptedReply[]): void {
    this.queue.push(...replies);
  }

  clear(): number {
    const left = this.queue.length;
    this.queue = [];
    return left;
  }

  take(account: { id: string; email: string }): CodexScriptedReply | undefined {
    const at = this.queue.findIndex((r) => r.account === undefined || r.account === account.id || r.account === account.email);
    return at < 0 ? undefined : this.queue.splice(at, 1)[0];
  }
}

function scriptedCall(call: CodexScriptedCall, request: CodexRequest): PlannedCall {
  const tool = request.tools.find((t) => t.name === call.name);
  // a real model can only call what the request declares; a script that does otherwise is a test bug
  if (!tool) throw detail(500, `Emulator: the script calls "${call.name}", which the request does not declare`);
  const base = call.callId === undefined ? {} : { callId: call.callId };
  if (tool.type === "custom") return { kind: "custom", name: call.name, payload: call.input ?? "", ...base };
  const args = call.arguments ?? {};
  return { kind: "function", name: call.name, payload: typeof args === "string" ? args : JSON.stringify(args), ...base };
}

function lastUserText(request: CodexRequest): { text: string; images: number } {
  const user = request.input.findLast((item) => item.kind === "message" && item.role === "user");
  return user?.kind === "message" ? { text: user.text, images: user.images } : { text: "", images: 0 };
}

function defaultSummary(request: CodexRequest, calls: readonly PlannedCall[]): string[] {
  const { text } = lastUserText(request);
  const words = text.split(/\s+/).filter(Boolean).length;
  const plan = calls.length > 0 ? `I will call ${calls.map((c) => c.name).join(" and ")}.` : "I will answer directly.";
  return [`**Reading the request**\n\nThe user wrote ${words} word${words === 1 ? "" : "s"}.`, `**Planning**\n\n${plan}`];
}

function defaultText(request: CodexRequest): string {
  const last = request.input.at(-1);
  if (last?.kind === "output") return `The tool returned: ${last.text.slice(0, TOOL_OUTPUT_ECHO_CHARS)}`;
  const { text, images } = lastUserText(request);
  const directives = parseDirectives(text);
  if ("error" in directives) throw detail(400, directives.error);
  const reply = replyText(directives);
  return images > 0 ? `${reply} (${images} image${images > 1 ? "s" : ""})` : reply;
}

export function planReply(request: CodexRequest, scripted: CodexScriptedReply | undefined): ReplyPlan {
  const wantsSummary = request.summary !== undefined;
  if (scripted) {
    const calls = (scripted.calls ?? []).map((c) => scriptedCall(c, request));
    return {
      text: scripted.text ?? "",
      summary: wantsSummary ? (scripted.reasoning ?? defaultSummary(request, calls)) : [],
      calls,
      fragmentChars: scripted.fragmentChars ?? DEFAULT_FRAGMENT_CHARS,
      emptyOutput: scripted.emptyOutput ?? false,
    };
  }
  const rule = shellRule(request);
  const calls = rule && "calls" in rule ? rule.calls : [];
  const text = rule && "text" in rule ? rule.text : calls.length > 0 ? "" : defaultText(request);
  return { text, summary: wantsSummary ? defaultSummary(request, calls) : [], calls, fragmentChars: DEFAULT_FRAGMENT_CHARS, emptyOutput: false };
}
