import { afterEach, expect, test } from "bun:test";
import { type IdleMemoryTrim, startIdleMemoryTrim } from "./idle-trim.ts";

const MIB = 1024 * 1024;
const QUIET_MS = 30_000;
let running: IdleMemoryTrim | null = null;
afterEach(() => running?.stop());

/** A trimmer over a fake process: its clock, requests in flight and RSS are the test's; each look is a direct check(). */
function probe(initialRss: number) {
  const state = { at: 0, pending: 0, rss: initialRss, trims: 0, afterTrim: initialRss };
  running = startIdleMemoryTrim({
    pending: () => state.pending,
    rss: () => state.rss,
    now: () => state.at,
    trim: () => {
      state.trims++;
      state.rss = state.afterTrim;
    },
    // the timer never fires within a test
    intervalMs: 3_600_000,
    idleMs: QUIET_MS,
    minGrowthBytes: 8 * MIB,
  });
  const look = (afterMs = 5_000) => {
    state.at += afterMs;
    return running?.check() ?? false;
  };
  return { state, look };
}

test("trims once no request has been in flight for the whole quiet spell and the process grew past the threshold", () => {
  const { state, look } = probe(60 * MIB);
  state.pending = 3;
  state.rss = 140 * MIB;
  expect(look()).toBe(false); // busy
  state.pending = 0;
  state.afterTrim = 96 * MIB;
  const looks = [look(), look(10_000), look(10_000), look(9_000)];
  expect(looks).toEqual([false, false, false, false]); // quiet for 29 s
  expect(look(1_000)).toBe(true); // 30 s
  expect(state.trims).toBe(1);
});

test("a spell the timer's looks make a millisecond short of the quiet time still trims at that look, not a look later", () => {
  const { state, look } = probe(60 * MIB);
  state.pending = 1;
  state.rss = 140 * MIB;
  look();
  state.pending = 0;
  look();
  for (let i = 0; i < 5; i++) expect(look(5_000)).toBe(false);
  expect(look(4_999)).toBe(true); // 29 999 ms after the first quiet look
});

test("never trims while a request or a stream is in flight, however large the process", () => {
  const { state, look } = probe(60 * MIB);
  state.rss = 500 * MIB;
  state.pending = 1;
  for (let i = 0; i < 20; i++) expect(look()).toBe(false);
  expect(state.trims).toBe(0);
});

test("a request seen in flight starts the quiet spell over: short lulls between requests never trim", () => {
  const { state, look } = probe(60 * MIB);
  state.rss = 200 * MIB;
  for (let i = 0; i < 12; i++) {
    state.pending = i % 4 === 3 ? 2 : 0; // busy at every fourth look: quiet for 15 s at most
    expect(look()).toBe(false);
  }
  expect(state.trims).toBe(0);
});

test("growth is measured from the smallest the process has been since the last trim: no second collection until it grows again", () => {
  const { state, look } = probe(60 * MIB);
  state.rss = 150 * MIB;
  // the pages leave after the trim, not during it: right after, the process is as large as before
  state.afterTrim = 150 * MIB;
  look(0);
  expect(look(QUIET_MS)).toBe(true);
  state.rss = 100 * MIB;
  for (let i = 0; i < 8; i++) expect(look(QUIET_MS)).toBe(false);
  state.rss = 107 * MIB; // +7 MiB over the smallest since the trim: under the threshold
  expect(look(QUIET_MS)).toBe(false);
  state.rss = 108 * MIB;
  state.afterTrim = 101 * MIB;
  expect(look(QUIET_MS)).toBe(true);
  expect(state.trims).toBe(2);
});

test("pages still leaving at the look after a trim do not raise the baseline: the next burst's growth is measured from where they settled", () => {
  // as in the soak that idled at 73 or 90 MiB by turns: 75 at the look after a trim, 72 by the next; then a burst
  // leaves the process 10 MiB over where it settled, but only 7 over that first look
  const { state, look } = probe(60 * MIB);
  state.rss = 92 * MIB;
  state.afterTrim = 75 * MIB;
  look(0);
  expect(look(QUIET_MS)).toBe(true);
  look(); // 75: the first look after the trim
  state.rss = 72 * MIB;
  look();
  state.pending = 16; // the burst
  state.rss = 118 * MIB;
  look();
  state.pending = 0;
  state.rss = 82 * MIB; // what the collector left of it
  state.afterTrim = 72 * MIB;
  look(0);
  expect(look(QUIET_MS)).toBe(true);
  expect(state.trims).toBe(2);
});

test("what can be rebuilt is let go just before each trim, and never while the server is busy or merely paused", () => {
  const { state, look } = probe(60 * MIB);
  const events: string[] = [];
  running?.stop();
  running = startIdleMemoryTrim({
    pending: () => state.pending,
    rss: () => state.rss,
    now: () => state.at,
    trim: () => events.push("trim"),
    release: () => events.push("release"),
    intervalMs: 3_600_000,
    idleMs: QUIET_MS,
    minGrowthBytes: 16 * MIB,
  });
  state.rss = 150 * MIB;
  state.pending = 1;
  look();
  state.pending = 0;
  look(0);
  look(QUIET_MS - 5_000);
  expect(events).toEqual([]);
  look(5_000);
  expect(events).toEqual(["release", "trim"]);
});

test("the real trim runs: a full collection and JSC's shrink, without error", () => {
  // not in Bun's typings: if a Bun release drops it, the trim would quietly only collect
  expect(typeof (Bun as unknown as { shrink?: unknown }).shrink).toBe("function");
  let rss = 0;
  let at = 0;
  running = startIdleMemoryTrim({ pending: () => 0, rss: () => rss, now: () => at, intervalMs: 3_600_000, idleMs: 1, minGrowthBytes: 1 });
  rss = 10;
  running.check();
  at = 10;
  expect(running.check()).toBe(true);
});
