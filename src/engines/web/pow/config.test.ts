import { describe, expect, test } from "bun:test";
import { buildPowConfig, easternDateString } from "./config.ts";

/** A fixed sequence, so every random choice in the config is reproducible. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const NOW = new Date("2025-01-06T15:00:00.000Z");

describe("buildPowConfig", () => {
  test("fills the 18 slots of upstream.md §4.2 with nonces 0 and a time origin of now minus performance.now", () => {
    const config = buildPowConfig({ userAgent: UA, scriptSources: ["https://cdn.oaistatic.com/a.js", "https://cdn.oaistatic.com/b.js"], buildId: "c/abc/_", now: NOW, random: sequence(0.3) });
    expect(config).toEqual([
      4000,
      "Mon Jan 06 2025 10:00:00 GMT-0500 (Eastern Standard Time)",
      4294705152,
      0,
      UA,
      "https://cdn.oaistatic.com/a.js",
      "c/abc/_",
      "en-US",
      "en-US,es-US,en,es",
      0,
      "appName−Netscape",
      "_reactListeningx4k9d2mq7wt",
      "screen",
      6700,
      "44444444-4444-4444-9444-444444444444",
      "",
      16,
      NOW.getTime() - 6700,
    ]);
  });

  test("has the JSON types of §4.2 in every slot, whatever random returns", () => {
    const types = (random: () => number) =>
      buildPowConfig({ userAgent: UA, scriptSources: [], buildId: null, now: NOW, random }).map((value) => (value === null ? "null" : typeof value) as string);
    const expected = ["number", "string", "number", "number", "string", "string", "null", "string", "string", "number", "string", "string", "string", "number", "string", "string", "number", "number"];
    expect([types(sequence(0)), types(sequence(0.999999)), types(Math.random)]).toEqual([expected, expected, expected]);
  });

  test("separates navigator keys from values with U+2212, not an ASCII hyphen", () => {
    const keys = new Set([0, 0.2, 0.4, 0.6, 0.8, 0.99].map((r) => buildPowConfig({ userAgent: UA, scriptSources: [], buildId: null, now: NOW, random: sequence(r) })[10]));
    expect([...keys].every((key) => /^[A-Za-z]+\u2212/.test(key))).toBe(true);
  });

  test("reports the sentinel SDK as the page script when the build scrape found none", () => {
    expect(buildPowConfig({ userAgent: UA, scriptSources: [], buildId: null, now: NOW })[5]).toBe("https://chatgpt.com/backend-api/sentinel/sdk.js");
  });

  test("draws a version-4 UUID", () => {
    expect(buildPowConfig({ userAgent: UA, scriptSources: [], buildId: null, now: NOW })[14]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("easternDateString", () => {
  test.each([
    ["2025-01-06T15:00:00.000Z", "Mon Jan 06 2025 10:00:00 GMT-0500 (Eastern Standard Time)"],
    ["2025-01-01T03:04:05.000Z", "Tue Dec 31 2024 22:04:05 GMT-0500 (Eastern Standard Time)"],
    ["2024-07-11T00:00:00.999Z", "Wed Jul 10 2024 19:00:00 GMT-0500 (Eastern Standard Time)"],
  ])("%s prints as %s (UTC−5 all year, as chat2api)", (iso, expected) => {
    expect(easternDateString(new Date(iso))).toBe(expected);
  });
});
