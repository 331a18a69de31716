/**
 * @module The Store over `bun:sqlite` (WAL) with drizzle-orm: one file, private to its user (private-files.ts),
 * migrations applied on open, then every token brought under the current DATA_KEY before the first call is served.
 */
import { Database } from "bun:sqlite";
import { and, desc, eq, gt, inArray, lt, max, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { type AccountFix, createAccountCodec, credentialDigest, type StoredAccount, stillAsRead } from "./account-codec.ts";
import { sqliteClientKeys } from "./client-keys.sqlite.ts";
import { sqliteRequestStats } from "./request-stats.sqlite.ts";
import { migrateSqlite } from "./migrate-sqlite.ts";
import { changesAfter, changeSubject, KEPT_CHANGES } from "./pool-changes.ts";
import { preparePrivateDatabaseFile } from "./private-files.ts";
import { pruneInBatches } from "./prune-in-batches.ts";
import { accounts, conversations, cooldowns, poolChanges, quotaWindows, requestLog, usedRefreshTokens } from "./schema.sqlite.ts";
import { createSecretBox, type DataKeys } from "./secret-box.ts";
import { requestLogWhere } from "./request-log-query.ts";
import type { AccountRow, NewRequestLogRow, PoolChange, Store } from "./store.ts";
import { createWriteBehind, type WriteBehindOptions } from "./write-behind.ts";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:". */
  path: string;
  now?: () => number;
  /** Rows per DELETE of `pruneRequests` (tests make it small). */
  pruneBatchSize?: number;
  /** DATA_KEY and DATA_KEY_PREVIOUS; without them tokens are stored plain. */
  dataKeys?: DataKeys;
  /** Told about the database folder's mode and about tokens sealed or re-sealed on open. */
  logger?: Logger;
  /** How the request log is batched (write-behind.ts); tests make the batches small. */
  requestLogQueue?: Omit<WriteBehindOptions<NewRequestLogRow>, "write">;
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

export function createSqliteStore({
  path,
  now = Date.now,
  pruneBatchSize,
  dataKeys = { current: null, previous: [] },
  logger = silentLogger,
  requestLogQueue,
}: SqliteStoreOptions): Store {
  if (path !== ":memory:") for (const warning of preparePrivateDatabaseFile(path)) logger.warn(warning);
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.run("PRAGMA journal_mode = WAL");
  // NORMAL loses at most the last transactions on power loss, never on a process crash (SIGKILL): the WAL is in the OS
  sqlite.run("PRAGMA synchronous = NORMAL");
  sqlite.run("PRAGMA busy_timeout = 5000");
  // 256 KiB of page cache instead of SQLite's 2 MiB: the writes append to the request log's last pages, and a query
  // over the log reads more than 2 MiB anyway (the OS caches the file); idle RSS 1.0–1.3 MiB lower (RESULTS.md)
  sqlite.run("PRAGMA cache_size = -256");
  let closed = false;
  migrateSqlite(sqlite);
  const db = drizzle(sqlite, { schema: { accounts, cooldowns, requestLog, conversations, poolChanges, usedRefreshTokens, quotaWindows } });
  type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
  // asked before every lease (pool-view.ts), so built and prepared once rather than by drizzle on each call
  const newestChange = db.select({ version: max(poolChanges.version) }).from(poolChanges).prepare();
  // the request log, written behind the requests: a batch is one transaction of one statement prepared once (the
  // column list is the schema's, schema.sqlite.ts); account writes below stay one synchronous transaction each
  const insertRequest = sqlite.prepare(
    "INSERT INTO request_log (at, client_key, account_id, model, prompt_tokens, completion_tokens, status, latency_ms, ttft_ms, request_id, engine, attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const requests = createWriteBehind<NewRequestLogRow>({
    ...requestLogQueue,
    write: sqlite.transaction((rows: NewRequestLogRow[]) => {
      for (const r of rows) {
        const tail = [r.requestId ?? null, r.engine ?? null, r.attempts ?? "[]", r.error ?? null] as const;
        insertRequest.run(r.at, r.clientKey, r.accountId ?? null, r.model, r.promptTokens ?? 0, r.completionTokens ?? 0, r.status, r.latencyMs, r.ttftMs ?? null, ...tail);
      }
    }),
  });

  function recordChanges(tx: Tx, changes: readonly PoolChange[]): void {
    for (const change of changes) {
      tx.run(sql`INSERT INTO pool_changes (version, subject) SELECT coalesce(max(version), 0) + 1, ${changeSubject(change)} FROM pool_changes`);
    }
    tx.run(sql`DELETE FROM pool_changes WHERE version <= (SELECT max(version) FROM pool_changes) - ${KEPT_CHANGES}`);
  }

  function applyFixes(fixes: readonly AccountFix[]): number {
    return db.transaction((tx) => {
      let applied = 0;
      for (const fix of fixes) {
        applied += tx.update(accounts).set(fix.set).where(stillAsRead(accounts, fix)).returning({ id: accounts.id }).all().length;
      }
      return applied;
    });
  }

  const opening = (async () => {
    const box = await createSecretBox(dataKeys);
    const codec = createAccountCodec(box);
    const fixed = applyFixes(await codec.fixesFor(db.select().from(accounts).all()));
    if (fixed > 0) logger.info(box.keyId ? "stored tokens sealed with DATA_KEY" : "stored tokens unsealed (DATA_KEY is not set)", { accounts: fixed, keyId: box.keyId });
    return codec;
  })();
  // a failure is reported by ready() and every later call; unobserved it must not crash the process
  opening.catch(() => {});
  const openAll = async (rows: StoredAccount[]): Promise<AccountRow[]> => {
    const codec = await opening;
    return Promise.all(rows.map((row) => codec.open(row)));
  };

  return {
    ...sqliteClientKeys(db, opening),
    ...sqliteRequestStats(db, async () => {
      await opening;
      await requests.flush();
    }),
    ready: async () => void (await opening),
    withLock: createKeyedLock(),
    async listAccounts() {
      await opening;
      return openAll(db.select().from(accounts).orderBy(accounts.createdAt, accounts.id).all());
    },
    async getAccount(id) {
      await opening;
      const [row] = await openAll(db.select().from(accounts).where(eq(accounts.id, id)).all());
      return row ?? null;
    },
    async addAccounts(inputs) {
      const codec = await opening;
      const rows = await Promise.all(inputs.map((input) => codec.sealNew({ ...input, id: Bun.randomUUIDv7(), createdAt: now() })));
      let duplicates = 0;
      const inserted = db.transaction((tx) => {
        const stored: StoredAccount[] = [];
        for (const row of rows) {
          const added = tx.insert(accounts).values(row).onConflictDoNothing().returning().get();
          if (added) stored.push(added);
          else duplicates++;
        }
        recordChanges(tx, stored.map(({ id }) => ({ type: "account", id })));
        return stored;
      });
      return { added: await openAll(inserted), duplicates };
    },
    async updateAccount(id, patch) {
      const codec = await opening;
      if (Object.keys(patch).length === 0) return;
      const sealed = await codec.sealPatch(patch);
      db.transaction((tx) => {
        tx.update(accounts).set(sealed).where(eq(accounts.id, id)).run();
        recordChanges(tx, [{ type: "account", id }]);
      });
    },
    async commitRefresh(id, used, patch) {
      const codec = await opening;
      const row = db.select().from(accounts).where(eq(accounts.id, id)).get();
      if (!row?.refreshToken || (await codec.open(row)).refreshToken !== used) return false;
      const sealed = await codec.sealPatch({ ...patch, refreshStartedAt: null });
      const storedToken = row.refreshToken;
      // compared as stored: a writer in between changes the sealed value, so this matches nothing and writes nothing
      return db.transaction((tx) => {
        const updated = tx.update(accounts).set(sealed).where(and(eq(accounts.id, id), eq(accounts.refreshToken, storedToken))).returning({ id: accounts.id }).all();
        if (updated.length === 0) return false;
        tx.insert(usedRefreshTokens).values({ digest: credentialDigest(used), accountId: id, usedAt: now() }).onConflictDoNothing().run();
        recordChanges(tx, [{ type: "account", id }]);
        return true;
      });
    },
    async isRefreshTokenUsed(refreshToken) {
      await opening;
      return db.select({ digest: usedRefreshTokens.digest }).from(usedRefreshTokens).where(eq(usedRefreshTokens.digest, credentialDigest(refreshToken))).get() !== undefined;
    },
    async saveQuotaWindows(accountId, windows, at) {
      await opening;
      db.transaction((tx) => {
        for (const window of windows) {
          tx.insert(quotaWindows)
            .values({ accountId, ...window, updatedAt: at })
            .onConflictDoUpdate({
              target: [quotaWindows.accountId, quotaWindows.windowMinutes],
              set: { usedPercent: sql`excluded.used_percent`, resetsAt: sql`excluded.resets_at`, updatedAt: sql`excluded.updated_at` },
            })
            .run();
        }
      });
    },
    async quotaWindows(accountId) {
      await opening;
      const query = db.select().from(quotaWindows);
      return (accountId === undefined ? query : query.where(eq(quotaWindows.accountId, accountId))).orderBy(quotaWindows.accountId, quotaWindows.windowMinutes).all();
    },
    async recordUse(id, { ok, at }) {
      await opening;
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
      await opening;
      return db.transaction((tx) => {
        tx.delete(cooldowns).where(eq(cooldowns.subject, id)).run();
        tx.delete(quotaWindows).where(eq(quotaWindows.accountId, id)).run();
        recordChanges(tx, [{ type: "account", id }, { type: "cooldown", subject: id }]);
        return tx.delete(accounts).where(eq(accounts.id, id)).returning({ id: accounts.id }).all().length > 0;
      });
    },
    async clearAccounts() {
      await opening;
      return db.transaction((tx) => {
        const ids = tx.select({ id: accounts.id }).from(accounts).all();
        for (const { id } of ids) {
          tx.delete(cooldowns).where(eq(cooldowns.subject, id)).run();
          tx.delete(quotaWindows).where(eq(quotaWindows.accountId, id)).run();
        }
        tx.delete(accounts).run();
        recordChanges(tx, [{ type: "all" }]);
        return ids.length;
      });
    },
    async setCooldown(cooldown) {
      await opening;
      db.transaction((tx) => {
        tx.insert(cooldowns)
          .values(cooldown)
          .onConflictDoUpdate({
            target: [cooldowns.subject, cooldowns.model],
            set: { untilMs: sql`max(${cooldowns.untilMs}, excluded.until_ms)`, reason: sql`excluded.reason` },
          })
          .run();
        recordChanges(tx, [{ type: "cooldown", subject: cooldown.subject }]);
      });
    },
    async activeCooldowns(nowMs) {
      await opening;
      return db.select().from(cooldowns).where(gt(cooldowns.untilMs, nowMs)).orderBy(cooldowns.untilMs).all();
    },
    async clearCooldowns(subject) {
      await opening;
      return db.transaction((tx) => {
        const cleared = tx.delete(cooldowns).where(eq(cooldowns.subject, subject)).returning().all().length;
        recordChanges(tx, [{ type: "cooldown", subject }]);
        return cleared;
      });
    },
    async changesSince(version) {
      await opening;
      const newest = newestChange.get()?.version ?? 0;
      if (newest === version) return { version, changes: [] };
      const rows = version < 0 ? [] : db.select().from(poolChanges).where(and(gt(poolChanges.version, version), sql`${poolChanges.version} <= ${newest}`)).orderBy(poolChanges.version).all();
      return changesAfter(version, newest, rows);
    },
    async recordConversation(row) {
      await opening;
      db.insert(conversations)
        .values(row)
        .onConflictDoUpdate({ target: conversations.conversationId, set: { usedAt: sql`max(${conversations.usedAt}, excluded.used_at)` } })
        .run();
    },
    async findConversation(conversationId) {
      await opening;
      return db.select().from(conversations).where(eq(conversations.conversationId, conversationId)).get() ?? null;
    },
    async pruneConversations(olderThanMs) {
      await opening;
      const batch = (limit: number) =>
        db.select({ id: conversations.conversationId }).from(conversations).where(lt(conversations.usedAt, olderThanMs)).limit(limit);
      return pruneInBatches(
        async (limit) => db.delete(conversations).where(inArray(conversations.conversationId, batch(limit))).returning({ id: conversations.conversationId }).all().length,
        pruneBatchSize,
      );
    },
    logRequest: (entry) => requests.add(entry),
    async recentRequests(limit) {
      await opening;
      await requests.flush();
      return db.select().from(requestLog).orderBy(desc(requestLog.id)).limit(limit).all();
    },
    async listRequests(filter) {
      await opening;
      await requests.flush();
      return db.select().from(requestLog).where(requestLogWhere(requestLog, filter)).orderBy(desc(requestLog.id)).limit(filter.limit).all();
    },
    async pruneRequests(olderThanMs) {
      await opening;
      await requests.flush();
      const batch = (limit: number) =>
        db.select({ id: requestLog.id }).from(requestLog).where(lt(requestLog.at, olderThanMs)).orderBy(requestLog.at).limit(limit);
      return pruneInBatches(
        async (limit) => db.delete(requestLog).where(inArray(requestLog.id, batch(limit))).returning({ id: requestLog.id }).all().length,
        pruneBatchSize,
      );
    },
    // an async method runs to its first await at once: the caches are freed before the idle trim's collection.
    // After 5000 chats an idle server held ~0.3 MiB less (bench/RESULTS.md, sixteenth session)
    async releaseMemory() {
      if (!closed) sqlite.run("PRAGMA shrink_memory");
    },
    async close() {
      await opening.catch(() => {});
      await requests.flush();
      closed = true;
      sqlite.close();
    },
  };
}
