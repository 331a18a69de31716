/** @module reasoning_effort → the web's thinking_effort, lowered to what the model offers (web-2026.md §5.4). */
import { expect, test } from "bun:test";
import { checkReasoningEffort, type ThinkingEffort, thinkingEffortFor } from "./thinking-effort.ts";
import { InvalidInputError } from "./translate-errors.ts";

const ALL: ThinkingEffort[] = ["standard", "extended", "max"];

test.each<[string | null | undefined, readonly ThinkingEffort[], ThinkingEffort | null]>([
  ["minimal", ALL, "standard"],
  ["low", ALL, "standard"],
  ["medium", ALL, "standard"],
  ["high", ALL, "extended"],
  ["xhigh", ALL, "max"],
  ["max", ALL, "max"],
  ["extended", ALL, "extended"],
  ["none", ALL, null],
  [null, ALL, null],
  [undefined, ALL, null],
  ["bogus", ALL, null],
  // a model without max takes its highest effort below it
  ["xhigh", ["standard", "extended"], "extended"],
  ["high", ["standard"], "standard"],
  // a model that offers no effort is sent none
  ["high", [], null],
])("reasoning_effort %p on a model offering %p → %p", (effort, offered, expected) => {
  expect(thinkingEffortFor(effort, offered)).toBe(expected);
});

test("without a model's list every web effort is possible", () => {
  expect([thinkingEffortFor("high"), thinkingEffortFor("xhigh"), thinkingEffortFor("low")]).toEqual(["extended", "max", "standard"]);
});

test("checkReasoningEffort passes the known values and absence, and names the parameter of a value that is no effort", () => {
  expect([checkReasoningEffort("high", "reasoning_effort"), checkReasoningEffort(null, "reasoning_effort"), checkReasoningEffort(undefined, "x")]).toEqual(["high", null, null]);
  let thrown: unknown;
  try {
    checkReasoningEffort("turbo", "reasoning.effort");
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidInputError);
  expect([(thrown as InvalidInputError).param, (thrown as InvalidInputError).code]).toEqual(["reasoning.effort", "invalid_value"]);
});
