import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { tokenizerFor } from "../token-counter.ts";
import { parseRankFile } from "./rank-file.ts";

type Library = typeof import("gpt-tokenizer/encoding/o200k_base");
// required, as the encodings are: the CommonJS build has its own decoder
const libraryDecoder = (require("gpt-tokenizer/BytePairEncodingCore") as typeof import("gpt-tokenizer/BytePairEncodingCore")).decoder;

const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
const ENCODINGS: { name: string; model: string; library: Library; rankFile: string }[] = [
  { name: "o200k_base", model: "gpt-4o", library: require("gpt-tokenizer/encoding/o200k_base"), rankFile: "o200k_base" },
  { name: "cl100k_base", model: "gpt-4", library: require("gpt-tokenizer/encoding/cl100k_base"), rankFile: "cl100k_base" },
];

/** gpt-tokenizer's decode with its shared streaming decoder emptied around the call, as token-counter.ts had it. */
function libraryDecode(library: Library, tokens: number[]): string {
  libraryDecoder.decode();
  const text = library.decode(tokens);
  libraryDecoder.decode();
  return text;
}

const source = (path: string): string => readFileSync(new URL(path, import.meta.url), "utf8");
const CORPORA: Record<string, string> = {
  "English prose (README)": source("../../../README.md"),
  "TypeScript (token-counter.ts)": source("../token-counter.ts"),
  CJK: "你好，世界。今天的天气很好！日本語のテキストとカタカナ、한국어 문장도 있습니다。",
  emoji: "👋🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️‍🔥 🇫🇷🇯🇵 x😀y 😀😀😀 ☕️",
  Arabic: "مرحبا بالعالم! هذه جملة عربية، مع أرقام ١٢٣ و 456. اَلْعَرَبِيَّةُ",
  "mixed whitespace": "a \t b\r\n\r\n  c\n\n\n   \u00a0\u2028\u2029\u3000 d\t\t\n \v\f  end   ",
  "special-token text": "<|endoftext|> <|im_start|>user<|im_sep|>hi<|im_end|><|fim_prefix|><|endofprompt|>",
  "lone surrogates": "a\ud800b \udc00 x\ud83d \ude00y \ud800\ud800 \udfff",
  empty: "",
  "long runs": `${"x".repeat(300)} ${"!?".repeat(200)} ${"9".repeat(50)} ${" ".repeat(100)}z`,
};

describe.each(ENCODINGS)("$name gives gpt-tokenizer's results", ({ model, library, rankFile }) => {
  const ours = tokenizerFor(model);
  const same = (text: string): void => {
    const expected = library.encode(text, PLAIN);
    expect(ours.encode(text)).toEqual(expected);
    expect(ours.count(text)).toBe(expected.length);
    expect(ours.decode(expected)).toBe(libraryDecode(library, expected));
  };

  test("every rank's own text, and every rank decoded alone", () => {
    const ranks: (string | number[])[] = require(`gpt-tokenizer/bpeRanks/${rankFile}`).default;
    const wrong: string[] = [];
    ranks.forEach((entry, rank) => {
      const decoded = ours.decode([rank]);
      // gpt-tokenizer's decoder drops a leading byte order mark: those ranks (given as byte lists) keep it here
      const bom = typeof entry !== "string" && entry[0] === 0xef && entry[1] === 0xbb && entry[2] === 0xbf;
      if (bom ? !decoded.startsWith("\ufeff") : decoded !== libraryDecode(library, [rank])) wrong.push(`decode ${rank}`);
      if (typeof entry !== "string") return;
      const expected = library.encode(entry, PLAIN);
      const actual = ours.encode(entry);
      if (actual.join() !== expected.join() || ours.count(entry) !== expected.length) wrong.push(`encode ${rank} ${JSON.stringify(entry)}`);
    });
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  test.each(Object.entries(CORPORA))("%s", (_name, text) => {
    same(text);
    // every prefix of an encoding decodes as gpt-tokenizer decodes it (usage.ts cuts a reply so)
    const tokens = library.encode(text.slice(0, 2000), PLAIN);
    const wrong = tokens.map((_, at) => at).filter((at) => ours.decode(tokens.slice(0, at)) !== libraryDecode(library, tokens.slice(0, at)));
    expect(wrong).toEqual([]);
  });

  test("10,000 random strings of code points (lone surrogates included) and of graphemes", () => {
    // (no U+FEFF: gpt-tokenizer's decode drops one, see the test below)
    const pieces = fc.constantFrom(" ", "  ", "\n", "\r\n", "\t", "\u00a0", "'s", "'LL", "A", "a", "123", "é", "中", "😀", "\ud800", "<|endoftext|>", "!?");
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.string({ unit: "binary-ascii", maxLength: 40 }),
      fc.string({ unit: pieces, maxLength: 40 }),
    ).map((value) => value.replaceAll("\ufeff", ""));
    fc.assert(
      fc.property(text, (value) => {
        same(value);
      }),
      { numRuns: 10_000 },
    );
  });

  test("byte order marks: the same tokens; decoded, none is dropped (gpt-tokenizer's decoder drops the first)", () => {
    for (const text of ["\ufeffhello", "\ufeff", "x\ufeff", "\ufeff\ufeffusing x;\n\ufeff//c \ufeff#\n \ufeffnamespace"]) {
      const tokens = library.encode(text, PLAIN);
      expect(ours.encode(text)).toEqual(tokens);
      expect(ours.count(text)).toBe(tokens.length);
      expect(ours.decode(tokens)).toBe(text);
      expect(libraryDecode(library, tokens)).toBe(text.replace("\ufeff", ""));
    }
  });

  test("special-token ids decode to their text; an unknown id fails", () => {
    const endOfText = library.encode("<|endoftext|>", { allowedSpecial: new Set(["<|endoftext|>"]) });
    expect(ours.decode(endOfText)).toBe("<|endoftext|>");
    expect(() => ours.decode([1 << 24])).toThrow("is not in the byte pair encoder");
    expect(() => ours.decode([-1])).toThrow("is not in the byte pair encoder");
  });
});

describe("a rank file in another layout fails to load", () => {
  const file = (body: string, tail = "const bpe = c0.concat(c1);\nexport { bpe as default };\n") =>
    new TextEncoder().encode(`//#region x\nconst c0 = [\n${body}\n];\nconst c1 = [\n\t"z"\n];\n${tail}`);

  test("the expected layout parses, escapes and byte lists included", () => {
    const { bytes, offsets, hidden } = parseRankFile(file('\t"a\\x41\\u00e9\\n\\\\\\"",\n\t[\n\t\t255,\n\t\t0\n\t],\n\t[239, 187, 191]'), "t", 4);
    expect([...offsets]).toEqual([0, 7, 9, 12, 13]);
    expect([...bytes.subarray(0, 7)]).toEqual([...new TextEncoder().encode('aAé\n\\"')]);
    expect(hidden).toEqual([2]);
  });

  test.each([
    ["a hole", '\t"a",,\n\t"b"', 3],
    ["another count", '\t"a"', 3],
    ["an unknown escape", '\t"\\q"', 2],
    ["a lone surrogate", '\t"\\ud800"', 2],
    ["a byte over 255", "\t[256]", 2],
    ["an identifier", "\tx", 2],
  ])("%s", (_name, body, expected) => {
    expect(() => parseRankFile(file(body as string), "t", expected as number)).toThrow("rank file layout changed");
  });

  test("arrays joined in another order", () => {
    expect(() => parseRankFile(file('\t"a"', "const bpe = c1.concat(c0);\nexport { bpe as default };\n"), "t", 2)).toThrow("rank file layout changed");
  });
});
