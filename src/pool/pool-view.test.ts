/**
 * @module The pool view: read once, then only what changed, whoever wrote it (this store or another one on the same
 * database, as another instance would be), and never stale after a write of this process.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { createPoolView, type PoolViewStore } from "./pool-view.ts";

const dir = mkdtempSync(join(tmpdir(), "pool-view-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The store's reads, counted. */
function counting(store: Store): { store: PoolViewStore; reads: { listAccounts: number; getAccount: number; activeCooldowns: number } } {
  const reads = { listAccounts: 0, getAccount: 0, activeCooldowns: 0 };
  return {
    reads,
    store: {
      changesSince: (version) => store.changesSince(version),
      listAccounts: () => (reads.listAccounts++, store.listAccounts()),
      getAccount: (id) => (reads.getAccount++, store.getAccount(id)),
      activeCooldowns: (nowMs) => (reads.activeCooldowns++, store.activeCooldowns(nowMs)),
    },
  };
}

test("the table is read once; later uses read only the changed rows, and a write is seen by the next use", async () => {
  await using stores = closing([createSqliteStore({ path: ":memory:" })]);
  const [store] = stores.list;
  const { added } = await store.addAccounts([{ credential: "a", kind: "access" }, { credential: "b", kind: "access" }]);
  const [a = "", b = ""] = added.map((row) => row.id);
  const counted = counting(store);
  const view = createPoolView(counted.store);
  for (let i = 0; i < 5; i++) expect((await view.current()).accounts.map((row) => row.id)).toEqual([a, b]);
  expect(counted.reads).toEqual({ listAccounts: 1, getAccount: 0, activeCooldowns: 1 });

  await store.updateAccount(b, { status: "failed" });
  await store.recordUse(a, { ok: true, at: 1 });
  expect((await view.current()).get(b)?.status).toBe("failed");
  await store.setCooldown({ subject: a, model: "gpt-4o", untilMs: Date.now() + 60_000, reason: "capped" });
  expect((await view.current()).cooldownsOf(a).map((row) => row.model)).toEqual(["gpt-4o"]);
  await store.removeAccount(b);
  expect((await view.current()).accounts.map((row) => row.id)).toEqual([a]);
  expect(counted.reads).toEqual({ listAccounts: 1, getAccount: 2, activeCooldowns: 3 });
});

test("uses that overlap a catch-up still see the writes made before them", async () => {
  await using stores = closing([createSqliteStore({ path: ":memory:" })]);
  const [store] = stores.list;
  const view = createPoolView(store);
  const first = view.current();
  const { added } = await store.addAccounts([{ credential: "late", kind: "access" }]);
  const [, second] = await Promise.all([first, view.current()]);
  expect(second.accounts.map((row) => row.id)).toEqual(added.map((row) => row.id));
});

test("what another store on the same database writes (another instance) is seen on the next use", async () => {
  const path = join(dir, "shared.db");
  await using stores = closing([createSqliteStore({ path }), createSqliteStore({ path })]);
  const [mine, theirs] = stores.list;
  const view = createPoolView(mine);
  expect((await view.current()).accounts).toEqual([]);
  const { added } = await theirs.addAccounts([{ credential: "from-b", kind: "access" }]);
  const id = added[0]?.id ?? "";
  expect((await view.current()).accounts.map((row) => row.credential)).toEqual(["from-b"]);
  await theirs.setCooldown({ subject: id, model: "*", untilMs: Date.now() + 60_000, reason: "blocked" });
  expect((await view.current()).cooldownsOf(id).map((row) => row.reason)).toEqual(["blocked"]);
  await theirs.clearAccounts();
  expect((await view.current()).accounts).toEqual([]);
});

/** Stores closed at the end of the test, whatever happens. */
function closing<const T extends readonly Store[]>(list: T): { list: T } & AsyncDisposable {
  return { list, [Symbol.asyncDispose]: async () => void (await Promise.all(list.map((store) => store.close()))) };
}
