/**
 * @module `max_tokens` and `stop` applied to the rendered reply: content is cut at exactly `maxTokens` tokens
 * (finish `length`) or just before the first stop sequence (finish `stop`), and the upstream is cancelled.
 * Tool calls and finished upstream items pass untouched.
 */
import type { RenderedDelta } from "./rendered-delta.ts";
import { CountBudget, EventLoopTurns, SLICE, TokenCounter } from "./token-counter.ts";
import { truncateToTokens } from "./usage.ts";

export interface LimitOutputOptions {
  maxTokens?: number;
  stop?: string[];
  /** The model whose tokenizer counts the tokens. */
  model: string;
}

/** How much of `text`'s end could be the beginning of one of `stops` (and so must wait for the next delta). */
function pendingStopPrefix(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
      if (text.endsWith(stop.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

function firstStop(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/**
 * Counts the whole content, not delta by delta (token boundaries move as text arrives): the counter settles what
 * no later text can change, so each delta costs its own length plus a short unsettled tail, and only that tail and
 * the new text are looked at again when the budget runs out.
 */
function createTokenBudget(maxTokens: number, model: string) {
  // the reply is only counted up to the cut, so its length bounds the work: no estimate, the cut must be exact
  const counter = new TokenCounter(model, CountBudget.unlimited());
  return {
    /** The part of `text` that still fits; `cut` when the budget ran out within (or right at the end of) it. */
    take(text: string): { text: string; cut: boolean } {
      const settled = counter.total();
      const open = counter.tail;
      counter.append(text);
      if (counter.peek() <= maxTokens) return { text, cut: false };
      const fitting = truncateToTokens(open + text, maxTokens - settled, model).text;
      return { text: fitting.slice(open.length), cut: true };
    },
  };
}

/** Where a slice starting at `at` ends, never between the halves of a surrogate pair. */
function sliceEnd(text: string, at: number): number {
  const end = Math.min(text.length, at + SLICE);
  const code = text.charCodeAt(end - 1);
  return end < text.length && code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

export function limitOutput(options: LimitOutputOptions): Transformer<RenderedDelta, RenderedDelta> {
  const stops = (options.stop ?? []).filter((stop) => stop !== "");
  const budget = options.maxTokens === undefined ? null : createTokenBudget(options.maxTokens, options.model);
  let held = "";
  let done = false;

  /** Emits `text` within the token budget; true when the budget ended the reply. */
  function emit(controller: TransformStreamDefaultController<RenderedDelta>, text: string): boolean {
    if (text === "") return false;
    const taken = budget ? budget.take(text) : { text, cut: false };
    if (taken.text !== "") controller.enqueue({ type: "content", text: taken.text });
    return taken.cut;
  }

  function end(controller: TransformStreamDefaultController<RenderedDelta>, reason: "stop" | "length"): void {
    controller.enqueue({ type: "finish", reason });
    done = true;
    // closes our output and cancels the input, so the upstream request stops instead of streaming into the void
    controller.terminate();
  }

  function onContent(controller: TransformStreamDefaultController<RenderedDelta>, text: string): void {
    const buffer = held + text;
    const stopAt = firstStop(buffer, stops);
    if (stopAt >= 0) {
      held = "";
      return end(controller, emit(controller, buffer.slice(0, stopAt)) ? "length" : "stop");
    }
    const keep = pendingStopPrefix(buffer, stops);
    held = buffer.slice(buffer.length - keep);
    if (emit(controller, buffer.slice(0, buffer.length - keep))) end(controller, "length");
  }

  /** What was held back for a possible stop sequence is text after all. */
  function release(controller: TransformStreamDefaultController<RenderedDelta>): boolean {
    const text = held;
    held = "";
    if (!emit(controller, text)) return false;
    end(controller, "length");
    return true;
  }

  const turns = new EventLoopTurns();

  /** A long delta in slices, with turns of the event loop between them: counting it must not hold the server. */
  async function onLongContent(controller: TransformStreamDefaultController<RenderedDelta>, text: string): Promise<void> {
    for (let at = 0; at < text.length && !done; ) {
      const end = sliceEnd(text, at);
      onContent(controller, text.slice(at, end));
      at = end;
      await turns.maybeYield();
    }
  }

  return {
    transform(delta, controller) {
      if (done) return;
      switch (delta.type) {
        case "content":
          if (budget && delta.text.length > SLICE) return onLongContent(controller, delta.text);
          return onContent(controller, delta.text);
        // a call or a finished item ends the run of text, so what was held for a stop sequence goes first; the
        // limits are the text's: a call's arguments are never counted nor cut, and neither is an item
        case "tool-call-start":
        case "tool-call-delta":
        case "tool-call-end":
        case "output-item":
          if (release(controller)) return;
          controller.enqueue(delta);
          return;
        case "finish":
        case "failed":
          if (release(controller)) return;
          controller.enqueue(delta);
          if (delta.type === "finish") done = true;
          return;
        default:
          controller.enqueue(delta);
      }
    },
    flush(controller) {
      if (!done) release(controller);
    },
  };
}
