import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { randomText } from "./__fixtures__/random-text.ts";
import { CountBudget, cutSegments, RUN_CHUNK, releaseTokenizers, TokenCounter, tokenizerFor } from "./token-counter.ts";
import { countTextTokens, truncateToTokens } from "./usage.ts";

const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
const library = {
  "gpt-4o": require("gpt-tokenizer/encoding/o200k_base") as typeof import("gpt-tokenizer/encoding/o200k_base"),
  "gpt-4": require("gpt-tokenizer/encoding/cl100k_base") as typeof import("gpt-tokenizer/encoding/cl100k_base"),
};

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const ORDINARY: Record<string, string> = {
  "the README (prose, tables, code, URLs)": README,
  "this test's own source": readFileSync(new URL(import.meta.url).pathname, "utf8"),
  "Chinese with punctuation": "你好，世界。今天的天气很好，我们去公园散步吧！".repeat(300),
  "contractions, numbers, line breaks": "I'll say it's 12345 o'clock, they've gone.\r\n\n  Don't WAIT: 3.14159\t—end ".repeat(200),
  "spaces before words and trailing space": "a   b    c\n\n\n   d  \t e   ".repeat(200),
};

describe("ordinary text counts exactly as the tokenizer does", () => {
  for (const [name, text] of Object.entries(ORDINARY)) {
    for (const model of ["gpt-4o", "gpt-4"] as const) {
      test(`${name} (${model}, ${text.length} chars)`, () => {
        expect(countTextTokens(text, model)).toBe(library[model].countTokens(text, PLAIN));
      });
    }
  }

  test("appended in deltas of any size, the count is the same as at once", () => {
    for (const text of [README, ORDINARY["contractions, numbers, line breaks"] as string]) {
      const counter = new TokenCounter("gpt-4o");
      let at = 0;
      for (let size = 1; at < text.length; size = (size * 7 + 3) % 61) {
        counter.append(text.slice(at, at + size));
        at += size;
      }
      expect(counter.finish()).toBe(library["gpt-4o"].countTokens(text, PLAIN));
    }
  });
});

describe("released tables", () => {
  test("are built again by the next count, which counts the same; a counter under way keeps its own", () => {
    const before = tokenizerFor("gpt-4o");
    const text = ORDINARY["contractions, numbers, line breaks"] as string;
    const counter = new TokenCounter("gpt-4o");
    counter.append(text.slice(0, 500));
    expect(releaseTokenizers()).toBeGreaterThanOrEqual(1);
    expect(releaseTokenizers()).toBe(0);
    counter.append(text.slice(500));
    expect(counter.finish()).toBe(library["gpt-4o"].countTokens(text, PLAIN));
    const after = tokenizerFor("gpt-4o");
    expect(after).not.toBe(before);
    expect(after.count(README)).toBe(before.count(README));
  });
});

describe("over-long runs", () => {
  test("no segment of a 1,000,000-character unbroken run is longer than a chunk: the work is linear", () => {
    const run = "x".repeat(1_000_000);
    const { segments } = cutSegments(run, true, tokenizerFor("gpt-4o").split);
    expect(segments.every((segment) => segment.text.length <= RUN_CHUNK)).toBe(true);
    expect(segments.map((segment) => segment.text).join("")).toBe(run);
  });

  test.each([
    ["lower-case letters", LOWER],
    ["base64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"],
    ["symbols", "!#$%&()*+,-./:;<=>?@[]^_{|}~"],
  ])("a 20,000-character run of %s counts within 1%% of the true count", (_name, alphabet) => {
    const run = randomText(20_000, alphabet);
    const truth = library["gpt-4o"].countTokens(run, PLAIN);
    expect(Math.abs(countTextTokens(run, "gpt-4o") - truth) / truth).toBeLessThan(0.01);
  });

  test("a run streamed in deltas counts as it does at once", () => {
    const text = `start ${randomText(50_000, LOWER)} end ${"y".repeat(3000)}`;
    const counter = new TokenCounter("gpt-4o");
    for (let at = 0; at < text.length; at += 997) counter.append(text.slice(at, at + 997));
    expect(counter.finish()).toBe(countTextTokens(text, "gpt-4o"));
  });

  test("beyond the exact budget the count is extrapolated, close to the exact one", () => {
    const run = randomText(300_000, LOWER);
    const exact = countTextTokens(run, "gpt-4o", CountBudget.unlimited());
    const budgeted = countTextTokens(run, "gpt-4o", new CountBudget({ textBytes: 1 << 20, runBytes: 16 << 10 }));
    expect(budgeted).not.toBe(0);
    expect(Math.abs(budgeted - exact) / exact).toBeLessThan(0.02);
  });

  test("truncating a long run keeps exactly the tokens asked for", () => {
    const run = randomText(40_000, LOWER);
    for (const maxTokens of [1, 130, 5000]) {
      const { text, truncated } = truncateToTokens(run, maxTokens, "gpt-4o");
      expect(truncated).toBe(true);
      expect(run.startsWith(text)).toBe(true);
      expect(countTextTokens(text, "gpt-4o")).toBe(maxTokens);
    }
  });
});
