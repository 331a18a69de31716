import { describe, expect, test } from "bun:test";
import { MAX_MARKER_LENGTH, rewriteSandboxLinks, sandboxPaths, VisibleText, visibleText } from "./visible-text.ts";

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

describe("VisibleText, fed as the text arrives", () => {
  const raw =
    "Paris【4†source】 is (big) [x](sandbox:/mnt/data/a b) and [y](sandbox:/mnt/data/y.png)\ue200cite\ue202turn0\ue201." +
    " 【注意】 f(x) 【a\ue200b†c】\ue201 (sandbox:x(sandbox:y) ends (sand";

  test.each([1, 2, 3, 7, 16])("in pieces of %i characters: the same text as all at once, each step a prefix of it", (size) => {
    const visible = new VisibleText();
    const whole = visibleText(raw, true);
    // the whole-text rule for markers within the bound
    expect(whole).toBe(raw.replace(/【[^【】]*†[^【】]*】|\ue200[^\ue200\ue201]*\ue201/g, ""));
    let shown = "";
    for (let at = 0; at < raw.length; at += size) {
      shown += visible.push(raw.slice(at, at + size), false);
      expect(whole.startsWith(shown)).toBe(true);
      // nothing a complete marker would remove is ever shown
      expect(shown).not.toContain("†source");
    }
    shown += visible.push("", true);
    expect(shown).toBe(whole);
  });

  test("markers and links longer than the bound are prose, and an opener never closed holds back at most the bound", () => {
    const long = `【${"x".repeat(MAX_MARKER_LENGTH)}†】`;
    expect(visibleText(`a${long}b`, false)).toBe(`a${long}b`);
    const link = `(sandbox:/${"p".repeat(MAX_MARKER_LENGTH)})`;
    expect(visibleText(link, false)).toBe(link);
    expect(rewriteSandboxLinks(link, new Map([[link.slice(9, -1), "https://x"]]))).toBe(link);

    const visible = new VisibleText();
    let fed = "【";
    let shown = visible.push("【", false);
    for (let i = 0; i < 20; i++) {
      const piece = "word ".repeat(100);
      fed += piece;
      shown += visible.push(piece, false);
      expect(fed.length - shown.length).toBeLessThan(MAX_MARKER_LENGTH);
    }
    expect(shown + visible.push("", true)).toBe(fed);
  });

  test("5 MB in 1 KB pieces: the text comes out whole, each character looked at about twice, never again per piece", () => {
    const meter = { characters: 0 };
    const visible = new VisibleText(meter);
    const piece = "An answer (with parentheses), [brackets] and 【notes】;\nthen more words. ".repeat(16).slice(0, 1024);
    const pieces = 5 * 1024;
    const shown: string[] = [];
    for (let i = 0; i < pieces; i++) shown.push(visible.push(piece, false));
    shown.push(visible.push("", true));
    expect(shown.join("")).toBe(piece.repeat(pieces));
    // two stages, each looks at a character once (plus what was held back): a rescan per piece would be ~2,500×
    expect(meter.characters).toBeLessThan(3 * pieces * piece.length);
  });
});
