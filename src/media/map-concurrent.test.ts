import { expect, test } from "bun:test";
import { mapConcurrent } from "./map-concurrent.ts";

test("never more than `limit` calls run at once, and results keep the input order", async () => {
  let running = 0;
  let peak = 0;
  const releases: Array<() => void> = [];
  const done = mapConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
    return n * 10;
  });
  // release in reverse arrival order, one at a time, as calls arrive
  for (let released = 0; released < 5; released++) {
    while (releases.length === 0) await Promise.resolve();
    releases.pop()?.();
    await Promise.resolve();
  }
  expect(await done).toEqual([10, 20, 30, 40, 50]);
  expect(peak).toBe(2);
});

test("an empty list maps to an empty list without calling", async () => {
  expect(await mapConcurrent([], 3, async () => Promise.reject(new Error("called")))).toEqual([]);
});

test("after a call fails no further item is started", async () => {
  const started: number[] = [];
  const result = mapConcurrent([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    await Promise.resolve();
    if (n === 2) throw new Error("bad item");
    return n;
  });
  expect(await result.then(() => "resolved", (error: Error) => error.message)).toBe("bad item");
  // 1 and 2 ran together; 3 was taken by the worker that finished 1 before 2 failed; nothing after
  expect(started).toEqual([1, 2, 3]);
});
