import { afterEach, expect, test } from "bun:test";
import { type BusyCollection, startBusyCollection } from "./busy-collection.ts";

const MIB = 1024 * 1024;
let running: BusyCollection | null = null;
afterEach(() => running?.stop());

/** A collector over a fake heap: the test sets what is in flight and what each kind of collection leaves. */
function probe() {
  const state = { pending: 0, afterYoung: 40 * MIB, afterFull: 30 * MIB, young: 0, full: 0 };
  running = startBusyCollection({
    pending: () => state.pending,
    collectYoung: () => {
      state.young++;
      return state.afterYoung;
    },
    collectFull: () => {
      state.full++;
      return state.afterFull;
    },
    // the timer never fires within a test
    intervalMs: 3_600_000,
    fullGrowthBytes: 16 * MIB,
  });
  return { state, look: () => running?.check() ?? null };
}

test("collects nothing while nothing is in flight", () => {
  const { state, look } = probe();
  for (let i = 0; i < 10; i++) expect(look()).toBeNull();
  expect(state).toMatchObject({ young: 0, full: 0 });
});

test("a young collection at every look while a request or a stream is in flight", () => {
  const { state, look } = probe();
  state.pending = 200;
  expect([look(), look(), look()]).toEqual(["young", "young", "young"]);
  expect(state).toMatchObject({ young: 3, full: 0 });
});

test("a full collection once what survives the young ones grew by the threshold since the last full one", () => {
  const { state, look } = probe();
  state.pending = 200;
  expect(look()).toBe("young"); // the first size is the baseline: 40 MiB
  state.afterYoung = 55 * MIB;
  expect(look()).toBe("young"); // +15 MiB
  state.afterYoung = 56 * MIB;
  expect(look()).toBe("full"); // +16 MiB
  expect(state).toMatchObject({ young: 3, full: 1 });
  // the full collection's result is the new baseline: 30 MiB, so 46 MiB after the next young one is +16 again
  state.afterYoung = 45 * MIB;
  expect(look()).toBe("young");
  state.afterYoung = 46 * MIB;
  expect(look()).toBe("full");
});

test("the baseline follows the heap down: growth counts from the smallest size seen since the last full collection", () => {
  const { state, look } = probe();
  state.pending = 1;
  look(); // 40 MiB
  state.afterYoung = 20 * MIB;
  look(); // streams ended, their state was young: 20 MiB
  state.afterYoung = 37 * MIB;
  expect(look()).toBe("full"); // +17 over 20, though under 40 + 16
});

test("the defaults are the engine's own collectors (bun:jsc)", () => {
  running = startBusyCollection({ pending: () => 1, intervalMs: 3_600_000 });
  const garbage = Array.from({ length: 10_000 }, (_, i) => ({ i, text: `chunk ${i}` }));
  expect(garbage.length).toBe(10_000);
  expect(running.check()).toBe("young");
});

test("the timer runs from a request's wake until a look finds nothing in flight, then waits for the next wake", () => {
  const { state, look } = probe();
  const collection = running as BusyCollection;
  expect(collection.ticking()).toBe(false);
  state.pending = 1;
  collection.wake();
  collection.wake();
  expect(collection.ticking()).toBe(true);
  expect(look()).toBe("young");
  expect(collection.ticking()).toBe(true);
  state.pending = 0;
  expect(look()).toBeNull();
  expect(collection.ticking()).toBe(false);
  collection.wake();
  expect(collection.ticking()).toBe(true);
});

test("the timer itself looks while busy", async () => {
  let looks = 0;
  running = startBusyCollection({
    pending: () => 1,
    collectYoung: () => {
      looks++;
      return 0;
    },
    collectFull: () => 0,
    intervalMs: 1,
  });
  running.wake();
  while (looks < 3) await Bun.sleep(1);
  expect(running.ticking()).toBe(true);
});

test("a wave's end: once fewer than half of the most in flight since the last full collection are left, a full one", () => {
  const { state, look } = probe();
  state.pending = 200;
  expect(look()).toBe("young"); // 40 MiB
  state.afterYoung = 45 * MIB;
  expect(look()).toBe("young"); // +5 MiB, still 200 in flight
  state.pending = 101;
  expect(look()).toBe("young"); // not yet under half
  state.pending = 99;
  expect(look()).toBe("full");
  expect(state).toMatchObject({ young: 4, full: 1 });
  // the crest starts again from what is in flight then (99): the rest of the wave ending is collected again only once
  // it has left 4 MiB over the full collection's 30
  state.afterYoung = 33 * MIB;
  state.pending = 10;
  expect(look()).toBe("young");
  state.afterYoung = 34 * MIB;
  expect(look()).toBe("full");
});

test("no full collection at the end of a small wave, nor of a wave that left under 4 MiB", () => {
  const { state, look } = probe();
  state.pending = 20; // under 32 in flight: not a wave
  look();
  state.afterYoung = 50 * MIB;
  state.pending = 2;
  expect(look()).toBe("young");
  state.afterYoung = 40 * MIB;
  state.pending = 200;
  look();
  state.afterYoung = 43 * MIB; // +3 MiB over the smallest size seen
  state.pending = 50;
  expect(look()).toBe("young");
  expect(state.full).toBe(0);
});

test("the timer outlives a wave's last request until the look that collects what it left", () => {
  const { state, look } = probe();
  const collection = running as BusyCollection;
  state.pending = 200;
  collection.wake();
  expect(look()).toBe("young");
  state.pending = 0;
  state.afterYoung = 48 * MIB;
  expect(collection.ticking()).toBe(true);
  expect(look()).toBe("full");
  expect(collection.ticking()).toBe(false);
  expect(look()).toBeNull(); // nothing in flight, no wave: nothing to do
  expect(state).toMatchObject({ young: 2, full: 1 });
});
