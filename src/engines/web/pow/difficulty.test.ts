import { expect, test } from "bun:test";
import { isTooHard } from "./difficulty.ts";

test.each([
  ["000032", "000032", true],
  ["000031", "000032", true],
  ["000033", "000032", false],
  ["073682", "00003a", false],
  ["00003a", "00003a", true],
  ["00001f", "00003a", true],
  ["0000", "000032", true],
  ["00004", "000032", false],
  ["000032", "00003", true],
  ["00003A", "00003a", true],
  ["00003B", "00003a", false],
])("difficulty %p against limit %p is too hard: %p", (difficulty, limit, tooHard) => {
  expect(isTooHard(difficulty, limit)).toBe(tooHard);
});
