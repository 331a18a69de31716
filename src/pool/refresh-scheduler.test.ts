/** @module The refresh schedule: start-up run, cron runs (a per-second pattern), one run at a time. */
import { expect, test } from "bun:test";
import { silentLogger } from "../logger.ts";
import { createRefreshScheduler } from "./refresh-scheduler.ts";
import type { RefreshReport } from "./refresher.ts";

const report = (refreshed: number): RefreshReport => ({ refreshed, failed: 0, skipped: 0, failures: [] });

test("disabled: start does nothing and schedules nothing", async () => {
  const calls: boolean[] = [];
  const scheduler = createRefreshScheduler({ refresher: { refreshAll: async ({ force }) => (calls.push(force), report(0)) }, logger: silentLogger, enabled: false, pattern: "* * * * * *" });
  expect(await scheduler.start()).toBeNull();
  expect({ calls, next: scheduler.nextRunAt() }).toEqual({ calls: [], next: null });
});

test("enabled: a lazy run at start, then forced runs on the cron pattern", async () => {
  const calls: boolean[] = [];
  const runs: string[] = [];
  let cronRan: () => void = () => {};
  const cronDone = new Promise<void>((resolve) => {
    cronRan = resolve;
  });
  const scheduler = createRefreshScheduler({
    refresher: { refreshAll: async ({ force }) => (calls.push(force), report(calls.length)) },
    logger: silentLogger,
    enabled: true,
    pattern: "* * * * * *",
    onRun: (_r, trigger) => {
      runs.push(trigger);
      if (trigger === "cron") cronRan();
    },
  });
  try {
    expect(await scheduler.start()).toEqual(report(1));
    expect(scheduler.nextRunAt()).toBeInstanceOf(Date);
    await cronDone;
    expect({ calls: calls.slice(0, 2), runs: runs.slice(0, 2) }).toEqual({ calls: [false, true], runs: ["start", "cron"] });
  } finally {
    scheduler.stop();
  }
});

test("a run asked for while one is going joins it instead of starting another", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  const scheduler = createRefreshScheduler({
    refresher: { refreshAll: async () => (calls++, await gate, report(7)) },
    logger: silentLogger,
    enabled: false,
    pattern: "0 3 */4 * *",
  });
  const both = Promise.all([scheduler.runNow({ force: true }), scheduler.runNow({ force: false })]);
  release();
  expect(await both).toEqual([report(7), report(7)]);
  expect(calls).toBe(1);
});
