import { describe, expect, test } from "bun:test";
import { expectedAttempts, INLINE_MAX_EXPECTED_ATTEMPTS, solvesInline } from "./inline-routing.ts";
import { REQUIREMENTS_DIFFICULTY } from "./solve.ts";

describe("expected attempts", () => {
  test.each([
    ["sha3", "", 1],
    ["sha3", "f", 1],
    ["sha3", "7", 2],
    ["sha3", "0fffff", 16],
    ["sha3", "00ffff", 256],
    ["sha3", "0", 16],
    ["sha3", "000000", 16 ** 6],
    ["fnv", "0fffff", 16],
    ["fnv", "0fffffffff", 16],
    ["fnv", "00000000ff", 16 ** 8],
  ] as const)("%s, difficulty %p: %p", (hash, difficulty, attempts) => {
    expect(expectedAttempts(hash, difficulty)).toBe(attempts);
  });

  test("a SHA3 difficulty longer than 13 digits is estimated from its first 13", () => {
    expect(expectedAttempts("sha3", `0fffffffffffff${"f".repeat(100)}`)).toBe(expectedAttempts("sha3", "0ffffffffffff"));
  });
});

describe("routing", () => {
  test("the requirements token's difficulty is inline under both hashes", () => {
    expect([solvesInline("sha3", REQUIREMENTS_DIFFICULTY), solvesInline("fnv", REQUIREMENTS_DIFFICULTY)]).toEqual([true, true]);
  });

  test.each([
    ["sha3", "0fffff", true],
    ["sha3", "06e1cc", true],
    ["sha3", "05ffff", true],
    ["sha3", "04ffff", false],
    ["sha3", "00ffff", false],
    ["fnv", "01ffff", true],
    ["fnv", "019999", true],
    ["fnv", "018fff", false],
    ["fnv", "00ffff", false],
  ] as const)("%s, difficulty %p inline: %p", (hash, difficulty, inline) => {
    expect(solvesInline(hash, difficulty)).toBe(inline);
  });

  test("the decision is expected attempts <= the limit, so a limit of 0 sends everything to the pool", () => {
    expect(solvesInline("sha3", "f", { sha3: 0, fnv: 0 })).toBe(false);
    expect(INLINE_MAX_EXPECTED_ATTEMPTS.fnv).toBeGreaterThan(INLINE_MAX_EXPECTED_ATTEMPTS.sha3);
  });
});
