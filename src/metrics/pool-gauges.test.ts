/** @module The pool gauges read from a store: accounts by status and running cooldowns by reason, zeros included. */
import { expect, test } from "bun:test";
import { createSqliteStore } from "../store/sqlite.ts";
import { readPoolGauges } from "./pool-gauges.ts";

test("accounts are counted by status and only cooldowns still running, by reason", async () => {
  const store = createSqliteStore({ path: ":memory:" });
  try {
    const { added } = await store.addAccounts([
      { credential: "a", kind: "access" },
      { credential: "b", kind: "access" },
      { credential: "c", kind: "access" },
    ]);
    const [a, b, c] = added.map((account) => account.id);
    if (!a || !b || !c) throw new Error("not added");
    await store.updateAccount(b, { status: "failed" });
    await store.setCooldown({ subject: a, model: "gpt-4o", untilMs: 2_000, reason: "capped" });
    await store.setCooldown({ subject: c, model: "*", untilMs: 3_000, reason: "capped" });
    await store.setCooldown({ subject: "at:digest", model: "*", untilMs: 500, reason: "blocked" });
    expect(await readPoolGauges(store, 1_000)).toEqual({ accounts: { active: 2, disabled: 0, failed: 1 }, cooldowns: { capped: 2, blocked: 0, quota: 0 } });
  } finally {
    await store.close();
  }
});
