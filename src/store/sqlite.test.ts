/** @module Runs the Store contract against SQLite, plus what only a file database can show. */
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateSqlite, SQLITE_MIGRATIONS } from "./migrate-sqlite.ts";
import { databaseFiles } from "./private-files.ts";
import { createSqliteStore, sqlitePathFromUrl } from "./sqlite.ts";
import { runStoreContract } from "./store.contract.ts";

const dir = mkdtempSync(join(tmpdir(), "store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract("sqlite in memory", async (options) => createSqliteStore({ path: ":memory:", ...options }));
let n = 0;
const fileNamed = (i: number) => join(dir, `c${i}.db`);
runStoreContract("sqlite file (WAL)", async (options) => createSqliteStore({ path: fileNamed(n++), ...options }), {
  reopen: async (options) => createSqliteStore({ path: fileNamed(n - 1), ...options }),
  async rawSecrets() {
    const db = new Database(fileNamed(n - 1), { readonly: true });
    try {
      const rows = db.query<{ credential: string; access_token: string | null; refresh_token: string | null }, []>("SELECT credential, access_token, refresh_token FROM accounts").all();
      return rows.flatMap((row) => [row.credential, row.access_token, row.refresh_token]).filter((value): value is string => value !== null);
    } finally {
      db.close();
    }
  },
});

test("reopening a database applies no migration twice and keeps its rows", async () => {
  const path = join(dir, "reopen.db");
  const first = createSqliteStore({ path });
  await first.addAccounts([{ credential: "kept", kind: "access" }]);
  await first.close();
  const second = createSqliteStore({ path });
  expect((await second.listAccounts()).map((a) => a.credential)).toEqual(["kept"]);
  await second.close();
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

test("a new database folder is 0700; the database, its WAL and SHM are 0600", async () => {
  const folder = join(dir, "private", "data");
  const path = join(folder, "chat2api.db");
  const store = createSqliteStore({ path });
  try {
    await store.addAccounts([{ credential: "mode-check", kind: "access" }]);
    expect(databaseFiles(path).map((file) => [file.slice(folder.length), existsSync(file) ? modeOf(file) : "missing"])).toEqual([
      ["/chat2api.db", "600"],
      ["/chat2api.db-wal", "600"],
      ["/chat2api.db-shm", "600"],
    ]);
    expect(modeOf(folder)).toBe("700");
  } finally {
    await store.close();
  }
});

test("files an older version left readable are narrowed to 0600; a readable existing folder is reported, not changed", async () => {
  const folder = join(dir, "shared");
  mkdirSync(folder, { mode: 0o755 });
  chmodSync(folder, 0o755);
  const path = join(folder, "old.db");
  const old = createSqliteStore({ path });
  await old.addAccounts([{ credential: "old", kind: "access" }]);
  await old.close();
  for (const file of databaseFiles(path)) if (existsSync(file)) chmodSync(file, 0o644);
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {}, child: () => logger };
  const store = createSqliteStore({ path, logger });
  try {
    await store.ready();
    expect(databaseFiles(path).filter(existsSync).map(modeOf)).toEqual(databaseFiles(path).filter(existsSync).map(() => "600"));
    expect(modeOf(folder)).toBe("755");
    expect(warnings).toEqual([`the database folder ${folder} is mode 0755: other users can list it; chmod 700 it (the database files themselves are 0600)`]);
  } finally {
    await store.close();
  }
});

test("with DATA_KEY no token appears in the bytes of the database or its WAL, and a reopened store reads them back", async () => {
  const path = join(dir, "sealed.db");
  const dataKeys = { current: "sqlite-bytes-data-key-0123456789abcdef", previous: [] };
  const tokens = { credential: "rt_SealedRefreshToken0123456789", accessToken: "eyJhbGciOi.sealed-access-token.sig", refreshToken: "rt_SealedRotatedRefresh987654321" };
  const store = createSqliteStore({ path, dataKeys });
  const [account] = (await store.addAccounts([{ credential: tokens.credential, kind: "refresh", refreshToken: tokens.credential }])).added;
  if (!account) throw new Error("not added");
  await store.updateAccount(account.id, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  const bytes = () => databaseFiles(path).filter(existsSync).map((file) => readFileSync(file).toString("latin1")).join("\n");
  // read while the WAL still holds the writes (before close checkpoints them), then after
  const found = (text: string) => Object.values(tokens).filter((token) => text.includes(token));
  expect(found(bytes())).toEqual([]);
  await store.close();
  expect(found(bytes())).toEqual([]);
  const reopened = createSqliteStore({ path, dataKeys });
  const read = await reopened.getAccount(account.id);
  await reopened.close();
  expect([read?.credential, read?.accessToken, read?.refreshToken]).toEqual([tokens.credential, tokens.accessToken, tokens.refreshToken]);
});

test.each([
  ["sqlite:./data/chat2api.db", "./data/chat2api.db"],
  ["sqlite:/var/lib/c.db", "/var/lib/c.db"],
  ["sqlite:///var/lib/c.db", "/var/lib/c.db"],
])("DATABASE_URL %s → path %s", (url, path) => {
  expect(sqlitePathFromUrl(url)).toBe(path);
});

test("a database from before the credential digest gets it filled in on open, so its accounts still count as duplicates", async () => {
  const path = join(dir, "legacy.db");
  const legacy = new Database(path, { create: true, strict: true });
  migrateSqlite(legacy, SQLITE_MIGRATIONS.slice(0, 1));
  legacy.run("INSERT INTO accounts (id, credential, kind, created_at) VALUES ('old-1', 'legacy-token', 'access', 1)");
  legacy.close();
  const store = createSqliteStore({ path });
  try {
    expect(await store.addAccounts([{ credential: "legacy-token", kind: "access" }])).toEqual({ added: [], duplicates: 1 });
    expect((await store.listAccounts()).map((a) => [a.id, a.credential])).toEqual([["old-1", "legacy-token"]]);
  } finally {
    await store.close();
  }
});
