/** @module The request-log retention job: cutoff from REQUEST_LOG_DAYS, start-up run, cron runs, one run at a time, stop. */
import { expect, test } from "bun:test";
import { loadConfig } from "../config.ts";
import { createLogger, silentLogger } from "../logger.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import { createRequestLogRetention, type RetentionTrigger } from "./retention.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2025, 5, 1);

/** A store double that records the cutoffs it was asked for and deletes `deleted` rows each time. */
function recordingStore(deleted = 0) {
  const cutoffs: number[] = [];
  return { cutoffs, pruneRequests: async (olderThanMs: number) => (cutoffs.push(olderThanMs), deleted), pruneConversations: async () => 0 };
}

test.each([
  [{}, 30],
  [{ REQUEST_LOG_DAYS: "0" }, 0],
  [{ REQUEST_LOG_DAYS: "365" }, 365],
])("REQUEST_LOG_DAYS %o → %d days", (env, days) => {
  expect(loadConfig(env).requestLogDays).toBe(days);
});

test("a negative or fractional REQUEST_LOG_DAYS stops start-up naming the variable", () => {
  expect(() => loadConfig({ REQUEST_LOG_DAYS: "-1" })).toThrow('Invalid REQUEST_LOG_DAYS="-1"');
  expect(() => loadConfig({ REQUEST_LOG_DAYS: "1.5" })).toThrow('Invalid REQUEST_LOG_DAYS="1.5"');
});

test("start prunes once at once with the cutoff REQUEST_LOG_DAYS before now, and logs how many went", async () => {
  const store = recordingStore(4);
  const lines: string[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (line) => lines.push(line) });
  const retention = createRequestLogRetention({ store, logger, days: 30, now: () => NOW });
  try {
    expect(await retention.start()).toBe(4);
    expect(store.cutoffs).toEqual([NOW - 30 * DAY]);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>).map(({ msg, trigger, days, deleted }) => ({ msg, trigger, days, deleted }))).toEqual([
      { msg: "request log pruned", trigger: "start", days: 30, deleted: 4 },
    ]);
    expect(retention.nextRunAt()).toBeInstanceOf(Date);
  } finally {
    await retention.stop();
  }
});

test("0 days keeps every row: nothing is scheduled and nothing pruned, even when asked", async () => {
  const store = recordingStore(9);
  const retention = createRequestLogRetention({ store, logger: silentLogger, days: 0 });
  expect(await retention.start()).toBeNull();
  expect(await retention.runNow()).toBe(0);
  expect({ cutoffs: store.cutoffs, next: retention.nextRunAt() }).toEqual({ cutoffs: [], next: null });
});

test("the cron pattern runs the prune again after the start-up run", async () => {
  const store = recordingStore(1);
  const triggers: RetentionTrigger[] = [];
  let cronRan: () => void = () => {};
  const cronDone = new Promise<void>((resolve) => {
    cronRan = resolve;
  });
  const retention = createRequestLogRetention({
    store,
    logger: silentLogger,
    days: 7,
    pattern: "* * * * * *",
    now: () => NOW,
    onRun: (_deleted, trigger) => {
      triggers.push(trigger);
      if (trigger === "cron") cronRan();
    },
  });
  try {
    await retention.start();
    await cronDone;
    expect({ triggers: triggers.slice(0, 2), cutoffs: store.cutoffs.slice(0, 2) }).toEqual({
      triggers: ["start", "cron"],
      cutoffs: [NOW - 7 * DAY, NOW - 7 * DAY],
    });
  } finally {
    await retention.stop();
  }
});

test("a prune asked for while one is going joins it; stop waits for it to finish", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  let finished = false;
  const retention = createRequestLogRetention({
    store: { pruneRequests: async () => (calls++, await gate, (finished = true), 5), pruneConversations: async () => 0 },
    logger: silentLogger,
    days: 1,
  });
  const both = Promise.all([retention.runNow(), retention.runNow()]);
  const stopped = retention.stop().then(() => finished);
  // released on a later turn of the event loop: a stop that did not wait would have resolved by then
  setImmediate(release);
  expect({ results: await both, finishedBeforeStopResolved: await stopped, calls }).toEqual({ results: [5, 5], finishedBeforeStopResolved: true, calls: 1 });
});

test("a failing scheduled prune is logged and does not reject start", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", format: "json", write: (line) => lines.push(line) });
  const retention = createRequestLogRetention({
    store: { pruneRequests: async () => Promise.reject(new Error("disk I/O error")), pruneConversations: async () => 0 },
    logger,
    days: 30,
  });
  try {
    expect(await retention.start()).toBeNull();
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(["request log prune failed"]);
  } finally {
    await retention.stop();
  }
});

test("against a real store, rows and conversations older than the retention go and the rest stay", async () => {
  const store = createSqliteStore({ path: ":memory:" });
  const entry = (at: number) => ({ at, clientKey: "key:0123abcd", accountId: null, model: "gpt-4o", status: 200, latencyMs: 1 });
  for (const at of [NOW - 40 * DAY, NOW - 31 * DAY, NOW - 29 * DAY, NOW - DAY]) await store.logRequest(entry(at));
  for (const [id, at] of [["old", NOW - 31 * DAY], ["recent", NOW - 29 * DAY]] as const) {
    await store.recordConversation({ conversationId: id, holder: "acc", caller: "c", createdAt: at, usedAt: at });
  }
  const retention = createRequestLogRetention({ store, logger: silentLogger, days: 30, now: () => NOW });
  try {
    expect(await retention.runNow()).toBe(2);
    expect((await store.recentRequests(10)).map((row) => row.at)).toEqual([NOW - DAY, NOW - 29 * DAY]);
    expect([await store.findConversation("old"), await store.findConversation("recent")].map((row) => row?.conversationId ?? null)).toEqual([null, "recent"]);
  } finally {
    await retention.stop();
    await store.close();
  }
});
