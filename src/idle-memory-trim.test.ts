import { afterEach, expect, test } from "bun:test";
import { type IdleMemoryTrim, startIdleMemoryTrim } from "./idle-memory-trim.ts";

const MIB = 1024 * 1024;
let running: IdleMemoryTrim | null = null;
afterEach(() => running?.stop());

function probe(initialRss: number) {
  const state = { pending: 0, rss: initialRss, trims: 0, afterTrim: initialRss };
  running = startIdleMemoryTrim({
    pending: () => state.pending,
    rss: () => state.rss,
    trim: () => {
      state.trims++;
      state.rss = state.afterTrim;
    },
    // the timer never fires within a test: every look is a direct check()
    intervalMs: 3_600_000,
    minGrowthBytes: 16 * MIB,
  });
  return { state, trimmer: running };
}

test("trims once the server has been idle at two looks in a row and grew past the threshold", () => {
  const { state, trimmer } = probe(60 * MIB);
  state.pending = 3;
  state.rss = 140 * MIB;
  expect(trimmer.check()).toBe(false); // busy
  state.pending = 0;
  expect(trimmer.check()).toBe(false); // idle once: maybe a lull between requests
  state.afterTrim = 96 * MIB;
  expect(trimmer.check()).toBe(true);
  expect(state.trims).toBe(1);
});

test("never trims while a request or a stream is in flight, however large the process", () => {
  const { state, trimmer } = probe(60 * MIB);
  state.rss = 500 * MIB;
  state.pending = 1;
  for (let i = 0; i < 5; i++) expect(trimmer.check()).toBe(false);
  expect(state.trims).toBe(0);
});

test("a lull between two busy looks is not idleness", () => {
  const { state, trimmer } = probe(60 * MIB);
  state.rss = 200 * MIB;
  for (const pending of [0, 2, 0, 1, 0, 4]) {
    state.pending = pending;
    expect(trimmer.check()).toBe(false);
  }
  expect(state.trims).toBe(0);
});

test("growth is measured from the look after the last trim: no second collection until the process grows again", () => {
  const { state, trimmer } = probe(60 * MIB);
  state.rss = 150 * MIB;
  // the pages leave after the trim, not during it: right after, the process is as large as before
  state.afterTrim = 150 * MIB;
  trimmer.check();
  expect(trimmer.check()).toBe(true);
  state.rss = 100 * MIB;
  for (let i = 0; i < 3; i++) expect(trimmer.check()).toBe(false);
  state.rss = 110 * MIB; // +10 MiB since the trim: under the threshold
  expect(trimmer.check()).toBe(false);
  state.rss = 120 * MIB;
  state.afterTrim = 101 * MIB;
  expect(trimmer.check()).toBe(true);
  expect(state.trims).toBe(2);
});

test("the real trim gives memory back: a full collection and a heap shrink run without error", () => {
  let pending = 0;
  let rss = 0;
  const trimmer = startIdleMemoryTrim({ pending: () => pending, rss: () => rss, intervalMs: 3_600_000, minGrowthBytes: 1 });
  running = trimmer;
  rss = 10;
  pending = 0;
  trimmer.check();
  expect(trimmer.check()).toBe(true);
});
