/**
 * @module `max_tokens` and `stop` applied to the rendered reply: content is cut at exactly `maxTokens` tokens
 * (finish `length`) or just before the first stop sequence (finish `stop`), and the upstream is cancelled.
 */
import type { RenderedDelta } from "./rendered-delta.ts";
import { countTextTokens, truncateToTokens } from "./usage.ts";

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
 * Counts the whole content, not delta by delta (token boundaries move as text arrives), but only recounts the text
 * after the last line break followed by a letter or digit: the tokenizers' pre-split never joins across it, so earlier
 * lines keep their count and a long reply costs linear time.
 */
function createTokenBudget(maxTokens: number, model: string) {
  let settledTokens = 0;
  let open = "";
  return {
    /** The part of `text` that still fits; `cut` when the budget ran out within (or right at the end of) it. */
    take(text: string): { text: string; cut: boolean } {
      const candidate = open + text;
      if (settledTokens + countTextTokens(candidate, model) <= maxTokens) {
        open = candidate;
        const boundary = open.search(/\n(?=[\p{L}\p{N}])[^\n]*$/u);
        if (boundary >= 0) {
          settledTokens += countTextTokens(open.slice(0, boundary + 1), model);
          open = open.slice(boundary + 1);
        }
        return { text, cut: false };
      }
      const fitting = truncateToTokens(candidate, maxTokens - settledTokens, model).text;
      return { text: fitting.slice(open.length), cut: true };
    },
  };
}

export function limitOutput(options: LimitOutputOptions): TransformStream<RenderedDelta, RenderedDelta> {
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

  return new TransformStream<RenderedDelta, RenderedDelta>({
    transform(delta, controller) {
      if (done) return;
      switch (delta.type) {
        case "content":
          return onContent(controller, delta.text);
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
  });
}
