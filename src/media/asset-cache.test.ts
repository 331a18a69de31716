import { expect, test } from "bun:test";
import { AssetCache } from "./asset-cache.ts";

const png = (size: number) => ({ bytes: new Uint8Array(size), mimeType: "image/png" });

test("an asset is served by its id until it expires; ids are unguessable and distinct", () => {
  let clock = 0;
  const cache = new AssetCache({ ttlMs: 1000, now: () => clock });
  const a = cache.put(png(10));
  const b = cache.put(png(10));
  expect([a.length, a === b, /^[0-9a-f]{32}$/.test(a)]).toEqual([32, false, true]);
  expect(cache.get(a)?.bytes.byteLength).toBe(10);
  clock = 1000;
  expect(cache.get(a)).toBeNull();
  expect(cache.get("nope")).toBeNull();
});

test("over the byte budget the oldest go first; the newest is kept even when it alone is over", () => {
  const cache = new AssetCache({ maxBytes: 25 });
  const first = cache.put(png(10));
  const second = cache.put(png(10));
  const third = cache.put(png(10));
  expect([cache.get(first), cache.get(second)?.mimeType, cache.get(third)?.mimeType]).toEqual([null, "image/png", "image/png"]);
  const huge = cache.put(png(100));
  expect([cache.get(second), cache.get(third), cache.get(huge)?.bytes.byteLength]).toEqual([null, null, 100]);
});
