/** @module Deterministic pseudo-random text for token-counting tests and benchmarks: the same text every run. */

const LOWER = "abcdefghijklmnopqrstuvwxyz";

/**
 * `length` characters of `alphabet` from a linear congruential generator: an unbroken run in which no two chunks
 * are alike, so the tokenizer's merge cache cannot help (its worst case).
 */
export function randomText(length: number, alphabet = LOWER, seed = 42): string {
  let state = seed;
  let text = "";
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    text += alphabet[state % alphabet.length];
  }
  return text;
}
