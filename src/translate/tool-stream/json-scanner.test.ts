/**
 * The incremental JSON validator agrees with JSON.parse on every text, and says "invalid" at the first unit that no
 * valid JSON text could continue with (so a prefix it accepted is a prefix of some valid value).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { JsonScanner } from "./json-scanner.ts";
import { JsonStringDecoder, STRING_END, STRING_INVALID } from "./json-string-decoder.ts";

/** Whole-text verdict: every unit accepted, the value complete, only whitespace after it. */
function scans(text: string): boolean {
  const scanner = new JsonScanner();
  for (let i = 0; i < text.length; i++) {
    const step = scanner.push(text[i] as string);
    if (step === "invalid") return false;
    if (step === "done" || step === "done-before") return /^[ \t\n\r]*$/.test(text.slice(step === "done" ? i + 1 : i));
  }
  return scanner.completeAtEnd;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Where the scanner first refuses, or -1. */
function firstInvalid(text: string): number {
  const scanner = new JsonScanner();
  for (let i = 0; i < text.length; i++) if (scanner.push(text[i] as string) === "invalid") return i;
  return -1;
}

const samples = [
  '{"a": 1, "b": [true, false, null], "c": {"d": "e\\u00e9\\n"}}',
  "[]",
  "{}",
  " [ 1 , -0.5e+3 , 2E9 ] ",
  '"\\ud83d\\ude00"',
  "0",
  "-12.25",
  '{"a":"b"}',
  '{"a" "b"}',
  '{"a":}',
  "[1,]",
  '{"a":1,}',
  "01",
  "1.",
  "-",
  ".5",
  "1e",
  "tru",
  "nul",
  '"\t"',
  '"\\x"',
  '"\\u12G4"',
  "[1 2]",
  "{]",
  "[}",
  '{"a":1}}',
  "",
  "  ",
];

describe("JsonScanner", () => {
  test.each(samples)("agrees with JSON.parse on %p", (text) => {
    expect(scans(text)).toBe(parses(text));
  });

  test("agrees with JSON.parse on generated JSON and on its mutations", () => {
    const json = fc.oneof(fc.json(), fc.jsonValue().map((value) => JSON.stringify(value, null, 2)));
    const mutated = fc.tuple(json, fc.nat(), fc.constantFrom("", "}", "]", ",", '"', ":", "\\", "\n", "x", "1", "-", "e", "."), fc.nat(3));
    fc.assert(
      fc.property(mutated, ([json, position, insert, remove]) => {
        const at = position % (json.length + 1);
        const text = json.slice(0, at) + insert + json.slice(at + remove);
        expect(scans(text)).toBe(parses(text));
        expect(scans(json)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  test.each([
    ['{"a": 1 x', 8],
    ["[1,,", 3],
    ['{"a":\n', -1],
    ['{"a": "b\\', -1],
    ['{"a": "b\\q', 9],
    ['{"a": [1, {"b": nul', -1],
    ["[-", -1],
    ["[-x", 2],
  ])("%p is refused at %p (-1: a valid start so far)", (text, at) => {
    expect(firstInvalid(text)).toBe(at);
  });

  test("a container is done on its closing bracket; a number only when something follows it", () => {
    const object = new JsonScanner();
    expect([..."{}"].map((unit) => object.push(unit))).toEqual(["more", "done"]);
    expect(object.push(" ")).toBe("invalid");
    const number = new JsonScanner();
    expect([..."12"].map((unit) => number.push(unit))).toEqual(["more", "more"]);
    expect(number.completeAtEnd).toBe(true);
    expect(number.push(",")).toBe("done-before");
  });
});

describe("JsonStringDecoder", () => {
  function decode(body: string): string | null {
    const decoder = new JsonStringDecoder();
    let text = "";
    for (const unit of body.split("")) {
      const step = decoder.push(unit);
      if (step === STRING_INVALID) return null;
      if (step === STRING_END) return text;
      text += step;
    }
    return null;
  }

  test("decodes what JSON.parse decodes, escapes and surrogate pairs included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const quoted = JSON.stringify(value);
        expect(decode(quoted.slice(1))).toBe(value);
      }),
      { numRuns: 2000 },
    );
    expect(decode('\\ud83d\\ude00"')).toBe("😀");
    expect(decode('\\/\\b\\f"')).toBe("/\b\f");
  });

  test("refuses raw control characters and unknown escapes", () => {
    expect(decode('a\nb"')).toBeNull();
    expect(decode('\\a"')).toBeNull();
    expect(decode('\\u00g1"')).toBeNull();
  });
});
