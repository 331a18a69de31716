/**
 * @module The model's reply text → content and tool calls, incrementally (tool-calls.md §2): `push` each content
 * delta as it arrives, `end` when the reply finished. It holds back only what may still be the start of
 * `<tool_call>` (and a high surrogate whose pair has not come yet): a chunk that cannot begin a tag is returned in
 * the same call. Inside a block it announces the call as soon as the name is known and declared and the arguments
 * object has begun, then streams the arguments as they grow (each fragment a valid JSON prefix); the call ends at
 * `</tool_call>`, or at the end of the reply when that tag is all that is missing (deviation 4).
 *
 * A block that is not a call (undeclared name, invalid JSON, arguments not an object, the reply ending inside it)
 * is given back as text, and scanning resumes where it went wrong. Text after the first call is discarded; with
 * `parallel: false` so are the blocks after it. One limit is inherent to streaming: a call already announced
 * cannot be withdrawn, so a block that fails after its start (a JSON error deep in the arguments, a reply cut off
 * inside them) is given back as text with its call left unended, and `onRefused` says `afterStart: true`. With
 * `streamArguments: false` nothing is announced before the block is complete and valid (for non-streamed replies).
 */
import type { RenderedDelta } from "../rendered-delta.ts";
import { CallObjectParser, type CallRefusal } from "./call-object-parser.ts";
import { newCallId as randomCallId } from "./new-call-id.ts";

export type { CallRefusal } from "./call-object-parser.ts";

/** What the parser emits: the reply's content and its calls, in the writers' vocabulary. */
export type ParsedDelta = Extract<RenderedDelta, { type: "content" | "tool-call-start" | "tool-call-delta" | "tool-call-end" }>;

/** A tool the model may call; `custom` tools take free text, written as `{"input": "…"}` in the block. */
export interface CallableTool {
  name: string;
  kind: "function" | "custom";
}

/** A block that was not taken as a call, for the caller's log. `text` is the block as the model wrote it. */
export interface RefusedBlock {
  reason: CallRefusal;
  name: string | null;
  text: string;
  /** The call had been announced (and maybe partly streamed) before the block failed. */
  afterStart: boolean;
}

export interface ToolBlockParserOptions {
  tools: Iterable<CallableTool>;
  /** `parallel_tool_calls`; false keeps the first call only. Default true. */
  parallel?: boolean;
  /** Announce calls and stream their arguments before the block is complete. Default true. */
  streamArguments?: boolean;
  /** Call ids; default `call_` + 24 random letters and digits. */
  newCallId?: () => string;
  onRefused?: (block: RefusedBlock) => void;
}

const OPEN_TAG = "<tool_call>";
const CLOSE_TAG = "</tool_call>";
const FENCE = "```";
const FENCE_LANGUAGE = /^[A-Za-z0-9_+.-]$/;

const isWhitespace = (unit: string): boolean => unit === " " || unit === "\n" || unit === "\r" || unit === "\t";
const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;

/** How much of `text` can go out now: all of it but a trailing high surrogate, whose low half is still to come. */
function releasable(text: string): number {
  return text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.length - 1 : text.length;
}

type Phase =
  /** After the open tag: whitespace, then `{` or a fence. */
  | "lead"
  | "fence-open"
  | "fence-language"
  | "json"
  /** The object closed: whitespace, the closing fence when one opened, then the close tag. */
  | "after-json"
  | "fence-close"
  | "close-tag";

interface Block {
  /** Everything consumed since (and including) the open tag. */
  raw: string;
  phase: Phase;
  /** Backticks or close-tag units matched so far in the current phase. */
  matched: number;
  fenced: boolean;
  fenceClosed: boolean;
  /** The fence's language word was followed by whitespace: only `{` may come now. */
  languageEnded: boolean;
  /** Where in `raw` the close tag being matched began (scanning resumes there if it is not one). */
  closeStart: number;
  object: CallObjectParser;
  tool: CallableTool | null;
  /** Once announced: how many units of the arguments were sent, and the high surrogate held back, if any. */
  call: { index: number; id: string; sent: number; unsent: string } | null;
}

type Step = "more" | "commit" | { refuse: CallRefusal; resumeAt: number };

export class ToolBlockParser {
  private readonly tools: Map<string, CallableTool>;
  private readonly parallel: boolean;
  private readonly streamArguments: boolean;
  private readonly newCallId: () => string;
  private readonly onRefused: ((block: RefusedBlock) => void) | undefined;

  /** Text mode: the held tail (a possible tag start or a lone high surrogate). */
  private held = "";
  private block: Block | null = null;
  private nextIndex = 0;
  private completed = 0;
  private out: ParsedDelta[] = [];

  constructor({ tools, parallel = true, streamArguments = true, newCallId = randomCallId, onRefused }: ToolBlockParserOptions) {
    this.tools = new Map([...tools].map((tool) => [tool.name, tool]));
    this.parallel = parallel;
    this.streamArguments = streamArguments;
    this.newCallId = newCallId;
    this.onRefused = onRefused;
  }

  /** Calls completed so far: when the reply ends with one or more, its finish reason is `tool_calls`. */
  get completedCalls(): number {
    return this.completed;
  }

  /** One content delta of the reply; returns what can be told now. */
  push(text: string): ParsedDelta[] {
    this.consume(text);
    if (this.block) this.streamCall(this.block);
    return this.take();
  }

  /** The reply finished: what was held is settled (a block missing only its close tag is a call). */
  end(): ParsedDelta[] {
    const block = this.block;
    if (block) {
      const closable = (block.phase === "after-json" && (!block.fenced || block.fenceClosed)) || block.phase === "close-tag";
      if (closable) this.commit(block);
      else this.refuse(block, "unterminated", block.raw.length);
    }
    this.emitText(this.held);
    this.held = "";
    return this.take();
  }

  /** The reply failed: held text goes out as text, an unfinished block too; nothing is committed. */
  abandon(): ParsedDelta[] {
    if (this.block) this.emitText(this.block.raw);
    this.block = null;
    this.emitText(this.held);
    this.held = "";
    return this.take();
  }

  private take(): ParsedDelta[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private consume(input: string): void {
    let rest = input;
    while (rest !== "") {
      rest = this.block ? this.consumeBlock(this.block, rest) : this.consumeText(rest);
    }
  }

  /** Text mode: everything up to a tag (or a possible tag at the end) is content; returns what follows the tag. */
  private consumeText(input: string): string {
    const text = this.held + input;
    this.held = "";
    let from = 0;
    for (let at = text.indexOf("<"); at !== -1; at = text.indexOf("<", from)) {
      if (text.startsWith(OPEN_TAG, at)) {
        this.emitText(text.slice(0, at));
        this.block = this.openBlock();
        return text.slice(at + OPEN_TAG.length);
      }
      if (text.length - at < OPEN_TAG.length && OPEN_TAG.startsWith(text.slice(at))) {
        this.emitText(text.slice(0, at));
        this.held = text.slice(at);
        return "";
      }
      from = at + 1;
    }
    const cut = releasable(text);
    this.emitText(text.slice(0, cut));
    this.held = text.slice(cut);
    return "";
  }

  private openBlock(): Block {
    return {
      raw: OPEN_TAG,
      phase: "lead",
      matched: 0,
      fenced: false,
      fenceClosed: false,
      languageEnded: false,
      closeStart: 0,
      object: new CallObjectParser(),
      tool: null,
      call: null,
    };
  }

  /** Feeds the block unit by unit; returns the input it did not consume (after a commit or a refusal). */
  private consumeBlock(block: Block, input: string): string {
    for (let i = 0; i < input.length; i++) {
      const unit = input[i] as string;
      block.raw += unit;
      const step = this.stepBlock(block, unit);
      if (step === "more") continue;
      if (step === "commit") {
        this.commit(block);
        return input.slice(i + 1);
      }
      // the refused block's text from `resumeAt` on is scanned again as ordinary text
      const resumed = block.raw.slice(step.resumeAt);
      this.refuse(block, step.refuse, step.resumeAt);
      return resumed + input.slice(i + 1);
    }
    return "";
  }

  private stepBlock(block: Block, unit: string): Step {
    const here = block.raw.length - 1;
    const invalid: Step = { refuse: "invalid-json", resumeAt: here };
    switch (block.phase) {
      case "lead":
        if (isWhitespace(unit)) return "more";
        if (unit === "`") {
          block.fenced = true;
          block.phase = "fence-open";
          block.matched = 1;
          return "more";
        }
        return this.stepJson(block, unit, here);
      case "fence-open":
        if (unit !== "`") return invalid;
        if (++block.matched === FENCE.length) block.phase = "fence-language";
        return "more";
      case "fence-language":
        if (unit === "{") return this.stepJson(block, unit, here);
        if (isWhitespace(unit)) block.languageEnded = true;
        else if (block.languageEnded || !FENCE_LANGUAGE.test(unit)) return invalid;
        return "more";
      case "json":
        return this.stepJson(block, unit, here);
      case "after-json":
        if (isWhitespace(unit)) return "more";
        if (block.fenced && !block.fenceClosed) {
          if (unit !== "`") return invalid;
          block.phase = "fence-close";
          block.matched = 1;
          return "more";
        }
        if (unit !== "<") return invalid;
        block.phase = "close-tag";
        block.closeStart = here;
        block.matched = 1;
        return "more";
      case "fence-close":
        if (unit !== "`") return invalid;
        if (++block.matched === FENCE.length) {
          block.fenceClosed = true;
          block.phase = "after-json";
        }
        return "more";
      case "close-tag":
        if (unit !== CLOSE_TAG[block.matched]) return { refuse: "invalid-json", resumeAt: block.closeStart };
        return ++block.matched === CLOSE_TAG.length ? "commit" : "more";
    }
  }

  private stepJson(block: Block, unit: string, here: number): Step {
    block.phase = "json";
    const knewName = block.object.name !== null;
    const step = block.object.push(unit);
    if (step !== "more" && step !== "done") return { refuse: step, resumeAt: here };
    if (!knewName && block.object.name !== null) {
      block.tool = this.tools.get(block.object.name) ?? null;
      // the name's closing quote stays with the refused text
      if (block.tool === null) return { refuse: "undeclared-name", resumeAt: here + 1 };
    }
    if (step === "done") block.phase = "after-json";
    return "more";
  }

  /** Announces the call once it may be, and sends the arguments that grew since the last fragment. */
  private streamCall(block: Block): void {
    const tool = block.tool;
    if (!this.streamArguments || tool === null || tool.kind === "custom" || block.object.arguments === "") return;
    if (!this.parallel && this.completed > 0) return;
    if (block.call === null) {
      block.call = { index: this.nextIndex++, id: this.newCallId(), sent: 0, unsent: "" };
      this.out.push({ type: "tool-call-start", index: block.call.index, callId: block.call.id, name: tool.name });
    }
    const call = block.call;
    const text = call.unsent + block.object.takeArguments();
    const upTo = releasable(text);
    if (upTo > 0) this.out.push({ type: "tool-call-delta", index: call.index, argumentsDelta: text.slice(0, upTo) });
    call.sent += upTo;
    call.unsent = text.slice(upTo);
  }

  private commit(block: Block): void {
    const tool = block.tool;
    const parsed = parseObject(block.object.arguments);
    if (tool === null || parsed === null) return this.refuse(block, tool === null ? "missing-name" : "invalid-json", block.raw.length);
    if (!this.parallel && this.completed > 0) return this.refuse(block, "extra-call", block.raw.length);
    const input = tool.kind === "custom" ? parsed.input : null;
    if (tool.kind === "custom" && typeof input !== "string") return this.refuse(block, "arguments-not-object", block.raw.length);
    const full = typeof input === "string" ? input : block.object.arguments;

    const call = block.call ?? { index: this.nextIndex++, id: this.newCallId(), sent: 0, unsent: "" };
    if (block.call === null) {
      const start: ParsedDelta = { type: "tool-call-start", index: call.index, callId: call.id, name: tool.name };
      this.out.push(tool.kind === "custom" ? { ...start, custom: true } : start);
    }
    if (full.length > call.sent) this.out.push({ type: "tool-call-delta", index: call.index, argumentsDelta: full.slice(call.sent) });
    this.out.push({ type: "tool-call-end", index: call.index, arguments: full });
    this.completed++;
    this.block = null;
  }

  /** The block's text before `resumeAt` is content (discarded after a call); scanning goes back to text mode. */
  private refuse(block: Block, reason: CallRefusal, resumeAt: number): void {
    const text = block.raw.slice(0, resumeAt);
    this.onRefused?.({ reason, name: block.object.name, text, afterStart: block.call !== null });
    this.emitText(text);
    this.block = null;
  }

  private emitText(text: string): void {
    // text after a call is discarded (tool-calls.md §1)
    if (text === "" || this.completed > 0) return;
    const last = this.out[this.out.length - 1];
    if (last?.type === "content") last.text += text;
    else this.out.push({ type: "content", text });
  }
}

/** The arguments as an object, or null: the scanner's verdict, confirmed by the parser the client will use. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
