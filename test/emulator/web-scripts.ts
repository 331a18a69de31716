/**
 * @module Scripted replies of the web "model" (tool-calls.md): a test queues the text the model writes — a tool block
 * included — and the chunks it arrives in; a script may answer differently once the request carries a tool result.
 * A script that answered a conversation keeps answering it (a continued turn sends only its new messages, so
 * `match` could not find it again), until it is spent.
 */
import type { InputMessage } from "./conversation-body.ts";

/** What `emu.scriptWeb` takes (also `POST /_emulator/web-script`, as JSON). */
export interface WebScript {
  /** Account id or email, or "anon"; omitted = any caller. */
  account?: string;
  /** Only requests where some message's text contains this string; omitted = any request. */
  match?: string;
  /** The model's text; as an array, the chunks it streams in (each its own snapshot/append, split where given). */
  reply: string | string[];
  /** The text instead of `reply` when the request's last message carries a tool result (see `toolResult`). */
  afterToolResult?: string | string[];
  /**
   * How many requests it answers before it is spent; 0 = until cleared. Default: 1, or, with `afterToolResult`,
   * until it has answered a request that carried a tool result.
   */
  times?: number;
  /** A regular expression (source, case-insensitive) that tells a rendered tool result; default `TOOL_RESULT_PATTERN`. */
  toolResult?: string;
}

/**
 * How a tool result reads in the web prompt: chat2api's `<tool_result call_id="…" name="…">` blocks, its older
 * `[Result of tool call …]` headers, and the tags or words other renderers use. Scripts can name their own
 * (`toolResult`).
 */
export const TOOL_RESULT_PATTERN = String.raw`\[Result of (?:tool call|function)|<tool_(?:result|response|output)\b|\btool[ _](?:result|output)\b|function_call_output`;

interface QueuedScript {
  script: WebScript;
  reply: string[];
  afterToolResult: string[] | undefined;
  pattern: RegExp;
  answered: number;
  conversations: Set<string>;
}

function chunksOf(value: unknown, key: string): string[] {
  const chunks = typeof value === "string" ? [value] : value;
  if (!Array.isArray(chunks) || chunks.length === 0 || !chunks.every((c) => typeof c === "string" && c !== "")) {
    throw new TypeError(`web script "${key}" must be a non-empty string or a non-empty list of non-empty strings`);
  }
  return chunks as string[];
}

function check(script: WebScript): QueuedScript {
  if (typeof script !== "object" || script === null) throw new TypeError("a web script must be an object");
  for (const key of ["account", "match", "toolResult"] as const) {
    if (script[key] !== undefined && typeof script[key] !== "string") throw new TypeError(`web script "${key}" must be a string`);
  }
  if (script.times !== undefined && (!Number.isInteger(script.times) || script.times < 0)) throw new TypeError('web script "times" must be an integer >= 0');
  let pattern: RegExp;
  try {
    pattern = new RegExp(script.toolResult ?? TOOL_RESULT_PATTERN, "i");
  } catch {
    throw new TypeError('web script "toolResult" must be a regular expression');
  }
  return {
    script,
    reply: chunksOf(script.reply, "reply"),
    afterToolResult: script.afterToolResult === undefined ? undefined : chunksOf(script.afterToolResult, "afterToolResult"),
    pattern,
    answered: 0,
    conversations: new Set(),
  };
}

/** The text parts of a message (images and other parts left out). */
export function messageText(message: InputMessage): string {
  const content = message.content as { parts?: unknown; text?: unknown };
  if (Array.isArray(content.parts)) return content.parts.filter((p): p is string => typeof p === "string").join("\n");
  return typeof content.text === "string" ? content.text : "";
}

export interface ScriptedTurn {
  caller: { id: string; email?: string };
  /** The conversation the turn goes to (new or continued). */
  conversationId: string;
  messages: readonly InputMessage[];
}

export class WebScripts {
  private queue: QueuedScript[] = [];

  /** Validates every script first (a TypeError names the bad field), then queues them in order. */
  push(scripts: readonly WebScript[]): void {
    const checked = scripts.map(check);
    this.queue.push(...checked);
  }

  clear(): number {
    const left = this.queue.length;
    this.queue = [];
    return left;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** The chunks this turn's model writes, or undefined when no script answers it (the usual echo then). */
  take(turn: ScriptedTurn): string[] | undefined {
    const texts = turn.messages.map(messageText);
    const forCaller = (q: QueuedScript) => q.script.account === undefined || q.script.account === turn.caller.id || q.script.account === turn.caller.email;
    const found =
      this.queue.find((q) => q.conversations.has(turn.conversationId)) ??
      this.queue.find((q) => forCaller(q) && (q.script.match === undefined || texts.some((t) => t.includes(q.script.match ?? ""))));
    if (!found) return undefined;
    found.conversations.add(turn.conversationId);
    found.answered++;
    const afterResult = found.afterToolResult !== undefined && found.pattern.test(texts.at(-1) ?? "");
    const { times } = found.script;
    const spent = times === undefined ? found.afterToolResult === undefined || afterResult : times > 0 && found.answered >= times;
    if (spent) this.queue.splice(this.queue.indexOf(found), 1);
    return afterResult ? found.afterToolResult : found.reply;
  }
}
