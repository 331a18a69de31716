/** @module The Store over `bun:sqlite` (WAL) with drizzle-orm: one file, migrations applied on open. */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrateSqlite } from "./migrate-sqlite.ts";
import { pruneInBatches } from "./prune-in-batches.ts";
import { accounts, cooldowns, requestLog } from "./schema.sqlite.ts";
import type { AccountRow, NewAccountRow } from "./schema.sqlite.ts";
import type { Store } from "./store.ts";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:". */
  path: string;
  now?: () => number;
  /** Rows per DELETE of `pruneRequests` (tests make it small). */
  pruneBatchSize?: number;
}

/** `sqlite:<path>` (DATABASE_URL) → the path. */
export function sqlitePathFromUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^sqlite:(\/\/)?/, "");
}

/** Mutual exclusion per key within this process: each caller waits for the one before it. */
function createKeyedLock(): Store["withLock"] {
  const tails = new Map<string, Promise<void>>();
  return async (key, run) => {
    const previous = tails.get(key) ?? Promise.resolve();
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    tails.set(key, tail);
    await previous;
    try {
      return await run();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

export function createSqliteStore({ path, now = Date.now, pruneBatchSize }: SqliteStoreOptions): Store {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.run("PRAGMA journal_mode = WAL");
  // NORMAL loses at most the last transactions on power loss, never on a process crash (SIGKILL): the WAL is in the OS
  sqlite.run("PRAGMA synchronous = NORMAL");
  sqlite.run("PRAGMA busy_timeout = 5000");
  migrateSqlite(sqlite);
  const db = drizzle(sqlite, { schema: { accounts, cooldowns, requestLog } });

  return {
    async ready() {},
    withLock: createKeyedLock(),
    async listAccounts() {
      return db.select().from(accounts).orderBy(accounts.createdAt, accounts.id).all();
    },
    async getAccount(id) {
      return db.select().from(accounts).where(eq(accounts.id, id)).get() ?? null;
    },
    async addAccounts(inputs) {
      const added: AccountRow[] = [];
      let duplicates = 0;
      db.transaction((tx) => {
        for (const input of inputs) {
          const row: NewAccountRow = { ...input, id: Bun.randomUUIDv7(), createdAt: now() };
          const inserted = tx.insert(accounts).values(row).onConflictDoNothing().returning().get();
          if (inserted) added.push(inserted);
          else duplicates++;
        }
      });
      return { added, duplicates };
    },
    async updateAccount(id, patch) {
      if (Object.keys(patch).length === 0) return;
      db.update(accounts).set(patch).where(eq(accounts.id, id)).run();
    },
    async recordUse(id, { ok, at }) {
      db.update(accounts)
        .set(
          ok
            ? { lastUsedAt: at, successCount: sql`${accounts.successCount} + 1` }
            : { lastUsedAt: at, failureCount: sql`${accounts.failureCount} + 1` },
        )
        .where(eq(accounts.id, id))
        .run();
    },
    async removeAccount(id) {
      return db.transaction((tx) => {
        tx.delete(cooldowns).where(eq(cooldowns.subject, id)).run();
        return tx.delete(accounts).where(eq(accounts.id, id)).returning({ id: accounts.id }).all().length > 0;
      });
    },
    async clearAccounts() {
      return db.transaction((tx) => {
        const ids = tx.select({ id: accounts.id }).from(accounts).all();
        for (const { id } of ids) tx.delete(cooldowns).where(eq(cooldowns.subject, id)).run();
        tx.delete(accounts).run();
        return ids.length;
      });
    },
    async setCooldown(cooldown) {
      db.insert(cooldowns)
        .values(cooldown)
        .onConflictDoUpdate({
          target: [cooldowns.subject, cooldowns.model],
          set: { untilMs: sql`max(${cooldowns.untilMs}, excluded.until_ms)`, reason: sql`excluded.reason` },
        })
        .run();
    },
    async activeCooldowns(nowMs) {
      return db.select().from(cooldowns).where(gt(cooldowns.untilMs, nowMs)).orderBy(cooldowns.untilMs).all();
    },
    async clearCooldowns(subject) {
      return db.delete(cooldowns).where(eq(cooldowns.subject, subject)).returning().all().length;
    },
    async logRequest(entry) {
      db.insert(requestLog).values(entry).run();
    },
    async recentRequests(limit) {
      return db.select().from(requestLog).orderBy(desc(requestLog.id)).limit(limit).all();
    },
    async pruneRequests(olderThanMs) {
      const batch = (limit: number) =>
        db.select({ id: requestLog.id }).from(requestLog).where(lt(requestLog.at, olderThanMs)).orderBy(requestLog.at).limit(limit);
      return pruneInBatches(
        async (limit) => db.delete(requestLog).where(inArray(requestLog.id, batch(limit))).returning({ id: requestLog.id }).all().length,
        pruneBatchSize,
      );
    },
    async close() {
      sqlite.close();
    },
  };
}
