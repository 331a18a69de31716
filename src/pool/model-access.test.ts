/** @module Which plan offers which model, and the order tiers are preferred in. */
import { expect, test } from "bun:test";
import { offersModel, planTier, tierPreference } from "./model-access.ts";

test.each([
  ["free", "auto", true],
  ["free", "gpt-4o-mini", true],
  ["free", "o3", false],
  ["free", "gpt-4o", false],
  ["plus", "o3", true],
  ["team", "gpt-4", true],
  [null, "o3", true],
  ["free", "gpt-5-6", true],
  ["free", "gpt-5-6-t-mini", true],
  ["free", "gpt-5-6-thinking", false],
  ["plus", "gpt-5-6-thinking", true],
  ["plus", "gpt-5-6-pro", false],
  ["go", "gpt-5-6-pro", false],
  ["pro", "gpt-5-6-pro", true],
  ["team", "gpt-5-6-pro", true],
  [null, "gpt-5-6-pro", true],
])("plan %p offers %s: %p", (plan, model, expected) => {
  expect(offersModel(plan, model)).toBe(expected);
});

test.each([
  [null, "unknown"],
  ["", "unknown"],
  ["free", "free"],
  ["plus", "paid"],
  ["pro", "paid"],
])("plan %p is tier %s", (plan, tier) => {
  expect(planTier(plan)).toBe(tier as ReturnType<typeof planTier>);
});

test("a free model prefers free accounts and uses paid ones last; a paid model spreads over paid and unknown plans", () => {
  expect({ auto: tierPreference("auto"), o3: tierPreference("o3") }).toEqual({ auto: [["free"], ["unknown"], ["paid"]], o3: [["paid", "unknown"]] });
});
