import { describe, expect, test } from "bun:test";
import { FETCH_CAP_VARIABLE, fetchCapOf, fetchCapWarning } from "./fetch-cap.ts";

describe("fetchCapOf and fetchCapWarning", () => {
  test.each([
    [undefined, 256],
    ["1000", 1000],
    ["65535", 65535],
    ["0", 256],
    ["70000", 256],
    ["abc", 256],
    [" 500", 256],
    ["+300", 300],
    ["1_000", 1000],
  ])("%p → %i, as Bun parses it", (value, cap) => {
    expect(fetchCapOf(value === undefined ? {} : { [FETCH_CAP_VARIABLE]: value })).toBe(cap);
  });

  test("warns, naming both settings, only when the cap is below MAX_UPSTREAM_STREAMS plus the headroom", () => {
    expect(fetchCapWarning(512, { [FETCH_CAP_VARIABLE]: "65535" })).toBeNull();
    expect(fetchCapWarning(512, { [FETCH_CAP_VARIABLE]: "768" })).toBeNull();
    const warning = fetchCapWarning(512, { [FETCH_CAP_VARIABLE]: "300" });
    expect(warning).toContain("BUN_CONFIG_MAX_HTTP_REQUESTS=300");
    expect(warning).toContain("MAX_UPSTREAM_STREAMS=512");
    expect(warning).toContain("Set BUN_CONFIG_MAX_HTTP_REQUESTS=768");
    expect(fetchCapWarning(512, {})).toContain("BUN_CONFIG_MAX_HTTP_REQUESTS unset");
  });
});
