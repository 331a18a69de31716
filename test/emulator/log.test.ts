/** The emulator's request log: bounded when asked (long benchmarks), whole otherwise (tests read all of it). */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "./index.ts";
import { appendToLog } from "./log.ts";
import type { EmulatorLogEntry } from "./types.ts";

const entry = (at: number): EmulatorLogEntry => ({ at, method: "GET", path: "/", status: 200, account: "anon", headers: {} });

describe("appendToLog", () => {
  test("keeps at least the last `limit` entries and never twice as many", () => {
    const log: EmulatorLogEntry[] = [];
    const lengths: number[] = [];
    for (let at = 1; at <= 10; at++) {
      appendToLog(log, entry(at), 3);
      lengths.push(log.length);
    }
    expect(lengths).toEqual([1, 2, 3, 4, 5, 3, 4, 5, 3, 4]);
    expect(log.map((e) => e.at)).toEqual([7, 8, 9, 10]);
  });

  test("without a limit nothing is dropped", () => {
    const log: EmulatorLogEntry[] = [];
    for (let at = 1; at <= 50; at++) appendToLog(log, entry(at));
    expect([log.length, log[0]?.at]).toEqual([50, 1]);
  });
});

test("startEmulator({ logLimit }) logs the newest requests and drops the oldest", async () => {
  await using emu = await startEmulator({ logLimit: 2 });
  const paths = ["/backend-api/models", "/backend-anon/models", "/backend-api/me", "/backend-anon/me", "/backend-api/accounts/check"];
  for (const path of paths) await (await fetch(`${emu.url}${path}`)).text();
  // the fourth request reached twice the limit: the log went back to two, and the fifth made it three
  expect(emu.log.map((entry) => entry.path)).toEqual(paths.slice(2));
});
