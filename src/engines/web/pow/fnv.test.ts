import { expect, test } from "bun:test";
import { fnvHex } from "./fnv.ts";

// web-2026.md §3.3: computed by the spec's authors in Python and Node.js independently
test.each([
  ["", "ab3e7c0b"],
  ["a", "1a80b1b3"],
  ["abc", "1cc93dbc"],
  ["hello", "888d766e"],
  ["0.8118613382182117", "deaaa01b"],
  ["gAAAAAB", "4a280c64"],
])("FNV-1a-32 with the finish of %p is %p", (input, hex) => {
  expect(fnvHex(input)).toBe(hex);
});
