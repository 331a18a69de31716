/**
 * @module The web app's `thinking_effort` for an OpenAI `reasoning_effort` (web-2026.md §5.4). The web server takes
 * only `standard`, `extended` and `max` (anything else is a 422), and not every model offers all three, so the effort
 * asked for is lowered to the highest one the model offers. The mapping is OR's, which matches the UI (KY 2026-08):
 * Medium → standard, High → extended; `xhigh`/`max` → max.
 */
import { InvalidInputError } from "./translate-errors.ts";

export type ThinkingEffort = "standard" | "extended" | "max";

/** In increasing order: the index is the effort's rank. */
export const THINKING_EFFORTS: readonly ThinkingEffort[] = ["standard", "extended", "max"];

/** OpenAI's values (`none` asks for no reasoning: nothing is sent) and the web's own, which pass unchanged. */
const WANTED: Readonly<Record<string, ThinkingEffort | null>> = {
  none: null,
  minimal: "standard",
  low: "standard",
  medium: "standard",
  high: "extended",
  xhigh: "max",
  max: "max",
  standard: "standard",
  extended: "extended",
};

export function isReasoningEffort(value: string): boolean {
  return Object.hasOwn(WANTED, value);
}

/**
 * The effort to send for `reasoningEffort` on a model offering `offered` (all three when not said): null when none
 * was asked for, for `none`, for an unknown value, and for a model that offers no effort. An effort the model lacks
 * becomes the highest it offers below it (`max` on a model without it is `extended`).
 */
export function thinkingEffortFor(reasoningEffort: string | null | undefined, offered: readonly ThinkingEffort[] = THINKING_EFFORTS): ThinkingEffort | null {
  if (reasoningEffort === null || reasoningEffort === undefined || !isReasoningEffort(reasoningEffort)) return null;
  const wanted = WANTED[reasoningEffort] ?? null;
  if (wanted === null) return null;
  const rank = THINKING_EFFORTS.indexOf(wanted);
  for (let i = rank; i >= 0; i--) {
    const effort = THINKING_EFFORTS[i];
    if (effort !== undefined && offered.includes(effort)) return effort;
  }
  return null;
}

/** A request's `reasoning_effort` checked: a value that is no effort is a 400 naming the parameter. */
export function checkReasoningEffort(value: string | null | undefined, param: string): string | null {
  if (value === null || value === undefined) return null;
  if (isReasoningEffort(value)) return value;
  const known = Object.keys(WANTED).join(", ");
  throw new InvalidInputError(`Invalid value for '${param}': '${value}' is not a reasoning effort (${known}).`, { param, code: "invalid_value" });
}
