/** @module Runs the Store contract against SQLite, plus what only a file database can show. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore, sqlitePathFromUrl } from "./sqlite.ts";
import { runStoreContract } from "./store.contract.ts";

const dir = mkdtempSync(join(tmpdir(), "store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract("sqlite in memory", async (options) => createSqliteStore({ path: ":memory:", ...options }));
let n = 0;
runStoreContract("sqlite file (WAL)", async (options) => createSqliteStore({ path: join(dir, `c${n++}.db`), ...options }));

test("reopening a database applies no migration twice and keeps its rows", async () => {
  const path = join(dir, "reopen.db");
  const first = createSqliteStore({ path });
  await first.addAccounts([{ credential: "kept", kind: "access" }]);
  await first.close();
  const second = createSqliteStore({ path });
  expect((await second.listAccounts()).map((a) => a.credential)).toEqual(["kept"]);
  await second.close();
});

test.each([
  ["sqlite:./data/chat2api.db", "./data/chat2api.db"],
  ["sqlite:/var/lib/c.db", "/var/lib/c.db"],
  ["sqlite:///var/lib/c.db", "/var/lib/c.db"],
])("DATABASE_URL %s → path %s", (url, path) => {
  expect(sqlitePathFromUrl(url)).toBe(path);
});
