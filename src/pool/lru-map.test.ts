/** @module The bounded LRU map behind caches keyed by what strangers send. */
import { expect, test } from "bun:test";
import { LruMap } from "./lru-map.ts";

test("never holds more than its limit: the least recently used entry goes first", () => {
  const map = new LruMap<string, number>(2);
  map.set("a", 1).set("b", 2);
  expect(map.get("a")).toBe(1); // a is now younger than b
  map.set("c", 3);
  expect([map.get("a"), map.get("b"), map.get("c"), map.size]).toEqual([1, undefined, 3, 2]);
});

test("setting an existing key replaces it without growing", () => {
  const map = new LruMap<string, number>(2);
  map.set("a", 1).set("a", 5);
  expect([map.get("a"), map.size]).toEqual([5, 1]);
});

test("100,000 distinct keys leave the map at its limit", () => {
  const map = new LruMap<number, number>(1000);
  for (let i = 0; i < 100_000; i++) map.set(i, i);
  expect(map.size).toBe(1000);
  expect(map.get(99_999)).toBe(99_999);
  expect(map.get(0)).toBeUndefined();
});

test("a limit that is not a positive whole number is refused", () => {
  expect(() => new LruMap(0)).toThrow(RangeError);
});
