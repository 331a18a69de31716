import { describe, expect, test } from "bun:test";
import { rewriteSandboxLinks, sandboxPaths, visibleText } from "./visible-text.ts";

describe("visibleText", () => {
  test.each([
    ["plain text", "Hello", false, "Hello"],
    ["a complete citation marker is removed", "Paris【4†source】.", false, "Paris."],
    ["a partial marker is held back while streaming", "Paris【4†sou", false, "Paris"],
    ["a partial marker is shown once the message is final", "Paris【4†sou", true, "Paris【4†sou"],
    ["brackets without † are prose", "【注意】 careful", false, "【注意】 careful"],
    ["2025 private-use citation markers are removed", "Paris\ue200cite\ue202turn0search0\ue201.", false, "Paris."],
    ["an open sandbox link is held back", "See [x](sandbox:/mnt/da", false, "See [x]"],
    ["the start of a sandbox link is held back", "See [x](sand", false, "See [x]"],
    ["a lone parenthesis might open a link", "f(", false, "f"],
    ["a closed sandbox link is shown", "See [x](sandbox:/mnt/data/x.png)", false, "See [x](sandbox:/mnt/data/x.png)"],
  ])("%s", (_name, raw, final, expected) => {
    expect(visibleText(raw, final)).toBe(expected);
  });
});

describe("sandbox links", () => {
  test("paths are listed once and rewritten where a URL is known", () => {
    const text = "[a](sandbox:/mnt/data/a.png) [b](sandbox:/mnt/data/b.csv) [a](sandbox:/mnt/data/a.png)";
    expect(sandboxPaths(text)).toEqual(["/mnt/data/a.png", "/mnt/data/b.csv"]);
    const urls = new Map([
      ["/mnt/data/a.png", "https://x/a"],
      ["/mnt/data/b.csv", null],
    ]);
    expect(rewriteSandboxLinks(text, urls)).toBe("[a](https://x/a) [b](sandbox:/mnt/data/b.csv) [a](https://x/a)");
  });
});
