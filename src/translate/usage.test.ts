import { describe, expect, test } from "bun:test";
import { partKey, type ResolvedAttachment } from "./to-upstream-messages.ts";
import { buildUsage, countImageTokens, countPromptTokens, countTextTokens, truncateToTokens } from "./usage.ts";

describe("countTextTokens", () => {
  test.each([
    ["hello world", "gpt-4o", 2],
    ["", "gpt-4o", 0],
    ["Привет, как дела?", "gpt-4o", 6],
    ["Привет, как дела?", "gpt-4", 8],
    ["Привет, как дела?", "gpt-3.5-turbo", 8],
    ["Привет, как дела?", "o3", 6],
    ["🌍🌍🌍", "gpt-4o", 6],
    // user text that spells a special token is counted as text, never rejected or merged into one control token
    ["<|endoftext|>", "gpt-4o", 7],
  ])("%p with %s: %d tokens", (text, model, expected) => {
    expect(countTextTokens(text, model)).toBe(expected);
  });
});

describe("truncateToTokens", () => {
  test.each([
    ["hello world", 5, { text: "hello world", truncated: false }],
    ["hello world", 1, { text: "hello", truncated: true }],
    ["hello world", 0, { text: "", truncated: true }],
    // o200k splits these emoji across token boundaries: three tokens must not end in half an emoji
    ["🌍🌍🌍", 3, { text: "🌍", truncated: true }],
  ])("%p to %d tokens", (text, maxTokens, expected) => {
    expect(truncateToTokens(text, maxTokens, "gpt-4o")).toEqual(expected);
  });

  test("the result is always a prefix within the budget", () => {
    const text = "Grüße 🌍, 你好世界! ".repeat(4);
    for (let maxTokens = 0; maxTokens <= countTextTokens(text, "gpt-4o"); maxTokens++) {
      const result = truncateToTokens(text, maxTokens, "gpt-4o");
      expect(text.startsWith(result.text)).toBe(true);
      expect(countTextTokens(result.text, "gpt-4o")).toBeLessThanOrEqual(maxTokens);
    }
  });
});

describe("countImageTokens", () => {
  test.each([
    [512, 512, "auto", 255],
    [1024, 1024, "auto", 765],
    [2048, 4096, "high", 1105],
    [4096, 8192, "auto", 1105],
    [800, 600, "auto", 765],
    [4000, 3000, "low", 85],
    [0, 0, "auto", 85],
  ] as const)("%d×%d detail %s: %d", (width, height, detail, expected) => {
    expect(countImageTokens(width, height, detail)).toBe(expected);
  });
});

describe("countPromptTokens", () => {
  test("3 per message + role and content + 3 for the reply", () => {
    // 3 + "user"(1) + "hello world"(2) + 3
    expect(countPromptTokens([{ role: "user", content: "hello world" }], "gpt-4o")).toBe(9);
  });

  test("names, text parts and tool calls count; images by tiles, files by size", () => {
    const attachments = new Map<string, ResolvedAttachment>([
      [partKey(0, 1), { fileId: "f1", name: "a.png", mimeType: "image/png", sizeBytes: 10, width: 1024, height: 1024 }],
      [partKey(0, 2), { fileId: "f2", name: "b.pdf", mimeType: "application/pdf", sizeBytes: 12_345 }],
    ]);
    const total = countPromptTokens(
      [
        {
          role: "user",
          name: "bob",
          content: [
            { type: "text", text: "hello world" },
            { type: "image_url", image_url: { url: "x" } },
            { type: "file", file: { file_id: "y" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      ],
      "gpt-4o",
      attachments,
    );
    const text = (value: string) => countTextTokens(value, "gpt-4o");
    const expected =
      3 + text("user") + text("bob") + text("hello world") + 765 + 12 + 3 + text("assistant") + text("f") + text("{}") + 3;
    expect(total).toBe(expected);
  });
});

describe("buildUsage", () => {
  test("reasoning counts in completion tokens and in its details", () => {
    expect(buildUsage({ promptTokens: 9, content: "hello world", reasoning: "hello", model: "gpt-4o" })).toEqual({
      prompt_tokens: 9,
      completion_tokens: 3,
      total_tokens: 12,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 1, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });
});
