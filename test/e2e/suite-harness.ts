/**
 * @module A harness shared by the tests of a file or of a `describe`: started before them, with one plus account
 * in the emulator's pool, and closed after them.
 */
import { afterAll, beforeAll } from "bun:test";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, type HarnessOptions, startHarness } from "./harness.ts";

export interface SuiteHarness {
  readonly h: Harness;
  /** A plus account the tests can call with (its access token as the bearer). */
  readonly account: EmulatedAccount;
}

/** Registers the suite's `beforeAll`/`afterAll`; read `h` and `account` in tests and hooks, not at load time. */
export function harnessWithAccount(options: HarnessOptions = {}): SuiteHarness {
  let started: { h: Harness; account: EmulatedAccount } | undefined;
  beforeAll(async () => {
    const h = await startHarness(options);
    started = { h, account: h.emulator.addAccount({ plan: "plus" }) };
  });
  afterAll(() => started?.h[Symbol.asyncDispose]());
  const get = () => {
    if (!started) throw new Error("the suite's harness starts in beforeAll: read it in a test or a hook");
    return started;
  };
  return {
    get h() {
      return get().h;
    },
    get account() {
      return get().account;
    },
  };
}
