/**
 * @module The Store over PostgreSQL with drizzle-orm on Bun's native client (`Bun.sql`), for several chat2api
 * instances sharing one pool. Opening is asynchronous (connect, migrate, bring tokens under the current DATA_KEY);
 * every method waits for it, and `ready()` reports a failure to open.
 */
import { SQL } from "bun";
import { and, desc, eq, gt, inArray, lt, lte, max, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sql";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { type AccountCodec, createAccountCodec, credentialDigest, type StoredAccount, stillAsRead } from "./account-codec.ts";
import { pgClientKeys } from "./client-keys.pg.ts";
import { pgRequestStats } from "./request-stats.pg.ts";
import { LOCK_NAMESPACE, migratePg } from "./migrate-pg.ts";
import { changesAfter, changeSubject, KEPT_CHANGES } from "./pool-changes.ts";
import { describePostgresUrl } from "./postgres-url.ts";
import { pruneInBatches } from "./prune-in-batches.ts";
import { accounts, conversations, cooldowns, poolChanges, quotaWindows, requestLog, usedRefreshTokens } from "./schema.pg.ts";
import { createSecretBox, type DataKeys, DataKeyError } from "./secret-box.ts";
import { requestLogWhere } from "./request-log-query.ts";
import type { AccountRow, NewRequestLogRow, PoolChange, Store } from "./store.ts";
import { createWriteBehind, type WriteBehindOptions } from "./write-behind.ts";

export interface PostgresStoreOptions {
  /** `postgres://user[:password]@host[:port]/database`; other query parameters (`?search_path=…`) go to the server. */
  url: string;
  now?: () => number;
  /** The longest a `withLock` waits for another instance before it fails. */
  lockTimeoutMs?: number;
  /** Connections for queries; locks have their own few, so waiting for a lock never starves the queries it guards. */
  maxConnections?: number;
  /** Rows per DELETE of `pruneRequests` (tests make it small). */
  pruneBatchSize?: number;
  /** DATA_KEY and DATA_KEY_PREVIOUS; without them tokens are stored plain. */
  dataKeys?: DataKeys;
  /** Told about tokens sealed or re-sealed on open. */
  logger?: Logger;
  /** How the request log is batched (write-behind.ts); tests make the batches small. */
  requestLogQueue?: Omit<WriteBehindOptions<NewRequestLogRow>, "write">;
}

/** Where the database is, for messages: never the user name or password. */
const LOCK_CONNECTIONS = 4;

export function createPostgresStore({
  url,
  now = Date.now,
  lockTimeoutMs = 60_000,
  maxConnections = 10,
  pruneBatchSize,
  dataKeys = { current: null, previous: [] },
  logger = silentLogger,
  requestLogQueue,
}: PostgresStoreOptions): Store {
  const client = new SQL({ url, max: maxConnections });
  const lockClient = new SQL({ url, max: LOCK_CONNECTIONS });
  const db = drizzle({ client, schema: { accounts, cooldowns, requestLog, conversations, poolChanges, usedRefreshTokens, quotaWindows } });
  type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

  /** Numbers follow commit order: each writer holds the feed's lock from taking its number until it commits. */
  async function recordChanges(tx: Tx, changes: readonly PoolChange[]): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), hashtext('pool_changes'))`);
    for (const change of changes) {
      await tx.execute(sql`INSERT INTO pool_changes (version, subject) SELECT coalesce(max(version), 0) + 1, ${changeSubject(change)} FROM pool_changes`);
    }
    await tx.execute(sql`DELETE FROM pool_changes WHERE version <= (SELECT max(version) FROM pool_changes) - ${KEPT_CHANGES}`);
  }

  /** Every token under the current key, one instance at a time (the others then find nothing to do). */
  async function bringTokensToKey(codec: AccountCodec, keyId: string | null): Promise<void> {
    const fixed = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), hashtext('data-key'))`);
      let applied = 0;
      for (const fix of await codec.fixesFor(await tx.select().from(accounts))) {
        applied += (await tx.update(accounts).set(fix.set).where(stillAsRead(accounts, fix)).returning({ id: accounts.id })).length;
      }
      return applied;
    });
    if (fixed > 0) logger.info(keyId ? "stored tokens sealed with DATA_KEY" : "stored tokens unsealed (DATA_KEY is not set)", { accounts: fixed, keyId });
  }

  const opening = migratePg(client)
    .then(async () => {
      const box = await createSecretBox(dataKeys);
      const codec = createAccountCodec(box);
      await bringTokensToKey(codec, box.keyId);
      return codec;
    })
    .catch((error: unknown) => {
      if (error instanceof DataKeyError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      // the cause's code tells an unreachable server (retry) from refused credentials (fix DATABASE_URL)
      throw new Error(`PostgreSQL at ${describePostgresUrl(url)} could not be opened: ${reason}`, { cause: error });
    });
  // a failure is reported by every later call and by ready(); unobserved it must not crash the process
  opening.catch(() => {});

  async function opened<T>(run: (codec: AccountCodec) => Promise<T>): Promise<T> {
    return run(await opening);
  }
  // the request log, written behind the requests: a batch is one multi-row INSERT (one statement, one round trip,
  // atomic); account writes below stay awaited, one transaction each
  const requests = createWriteBehind<NewRequestLogRow>({
    ...requestLogQueue,
    write: (rows) =>
      opened(async () => {
        await db.insert(requestLog).values(rows);
      }),
  });
  const openAll = (codec: AccountCodec, rows: StoredAccount[]): Promise<AccountRow[]> => Promise.all(rows.map((row) => codec.open(row)));

  return {
    ...pgClientKeys(db, opening),
    ...pgRequestStats(db, async () => {
      await opening;
      await requests.flush();
    }),
    ready: async () => void (await opening),
    listAccounts: () => opened(async (codec) => openAll(codec, await db.select().from(accounts).orderBy(accounts.createdAt, accounts.id))),
    getAccount: (id) =>
      opened(async (codec) => {
        const [row] = await db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
        return row ? codec.open(row) : null;
      }),
    addAccounts: (inputs) =>
      opened(async (codec) => {
        const rows = await Promise.all(inputs.map((input) => codec.sealNew({ ...input, id: Bun.randomUUIDv7(), createdAt: now() })));
        const { stored, duplicates } = await db.transaction(async (tx) => {
          const inserted: StoredAccount[] = [];
          for (const row of rows) {
            const [added] = await tx.insert(accounts).values(row).onConflictDoNothing().returning();
            if (added) inserted.push(added);
          }
          await recordChanges(tx, inserted.map(({ id }) => ({ type: "account", id })));
          return { stored: inserted, duplicates: rows.length - inserted.length };
        });
        return { added: await openAll(codec, stored), duplicates };
      }),
    updateAccount: (id, patch) =>
      opened(async (codec) => {
        if (Object.keys(patch).length === 0) return;
        const sealed = await codec.sealPatch(patch);
        await db.transaction(async (tx) => {
          await tx.update(accounts).set(sealed).where(eq(accounts.id, id));
          await recordChanges(tx, [{ type: "account", id }]);
        });
      }),
    commitRefresh: (id, used, patch) =>
      opened(async (codec) => {
        const [row] = await db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
        if (!row?.refreshToken || (await codec.open(row)).refreshToken !== used) return false;
        const sealed = await codec.sealPatch({ ...patch, refreshStartedAt: null });
        const storedToken = row.refreshToken;
        // compared as stored: a writer in between changes the sealed value, so this matches nothing and writes nothing
        return db.transaction(async (tx) => {
          const updated = await tx.update(accounts).set(sealed).where(and(eq(accounts.id, id), eq(accounts.refreshToken, storedToken))).returning({ id: accounts.id });
          if (updated.length === 0) return false;
          await tx.insert(usedRefreshTokens).values({ digest: credentialDigest(used), accountId: id, usedAt: now() }).onConflictDoNothing();
          await recordChanges(tx, [{ type: "account", id }]);
          return true;
        });
      }),
    isRefreshTokenUsed: (refreshToken) =>
      opened(async () => {
        const rows = await db.select({ digest: usedRefreshTokens.digest }).from(usedRefreshTokens).where(eq(usedRefreshTokens.digest, credentialDigest(refreshToken))).limit(1);
        return rows.length > 0;
      }),
    saveQuotaWindows: (accountId, windows, at) =>
      opened(async () => {
        if (windows.length === 0) return;
        await db
          .insert(quotaWindows)
          .values(windows.map((window) => ({ accountId, ...window, updatedAt: at })))
          .onConflictDoUpdate({
            target: [quotaWindows.accountId, quotaWindows.windowMinutes],
            set: { usedPercent: sql`excluded.used_percent`, resetsAt: sql`excluded.resets_at`, updatedAt: sql`excluded.updated_at` },
          });
      }),
    quotaWindows: (accountId) =>
      opened(() => {
        const query = db.select().from(quotaWindows);
        return (accountId === undefined ? query : query.where(eq(quotaWindows.accountId, accountId))).orderBy(quotaWindows.accountId, quotaWindows.windowMinutes);
      }),
    recordUse: (id, { ok, at }) =>
      opened(async () => {
        await db
          .update(accounts)
          .set(
            ok
              ? { lastUsedAt: at, successCount: sql`${accounts.successCount} + 1` }
              : { lastUsedAt: at, failureCount: sql`${accounts.failureCount} + 1` },
          )
          .where(eq(accounts.id, id));
      }),
    removeAccount: (id) =>
      opened(() =>
        db.transaction(async (tx) => {
          await tx.delete(cooldowns).where(eq(cooldowns.subject, id));
          await tx.delete(quotaWindows).where(eq(quotaWindows.accountId, id));
          await recordChanges(tx, [{ type: "account", id }, { type: "cooldown", subject: id }]);
          return (await tx.delete(accounts).where(eq(accounts.id, id)).returning({ id: accounts.id })).length > 0;
        }),
      ),
    clearAccounts: () =>
      opened(() =>
        db.transaction(async (tx) => {
          await tx.delete(cooldowns).where(inArray(cooldowns.subject, tx.select({ id: accounts.id }).from(accounts)));
          await tx.delete(quotaWindows).where(inArray(quotaWindows.accountId, tx.select({ id: accounts.id }).from(accounts)));
          await recordChanges(tx, [{ type: "all" }]);
          return (await tx.delete(accounts).returning({ id: accounts.id })).length;
        }),
      ),
    setCooldown: (cooldown) =>
      opened(() =>
        db.transaction(async (tx) => {
          await tx
            .insert(cooldowns)
            .values(cooldown)
            .onConflictDoUpdate({
              target: [cooldowns.subject, cooldowns.model],
              set: { untilMs: sql`greatest(${cooldowns.untilMs}, excluded.until_ms)`, reason: sql`excluded.reason` },
            });
          await recordChanges(tx, [{ type: "cooldown", subject: cooldown.subject }]);
        }),
      ),
    activeCooldowns: (nowMs) =>
      opened(() => db.select().from(cooldowns).where(gt(cooldowns.untilMs, nowMs)).orderBy(cooldowns.untilMs)),
    clearCooldowns: (subject) =>
      opened(() =>
        db.transaction(async (tx) => {
          const cleared = (await tx.delete(cooldowns).where(eq(cooldowns.subject, subject)).returning()).length;
          await recordChanges(tx, [{ type: "cooldown", subject }]);
          return cleared;
        }),
      ),
    changesSince: (version) =>
      opened(async () => {
        const [row] = await db.select({ version: max(poolChanges.version) }).from(poolChanges);
        const newest = Number(row?.version ?? 0);
        if (newest === version) return { version, changes: [] };
        const rows =
          version < 0
            ? []
            : await db.select().from(poolChanges).where(and(gt(poolChanges.version, version), lte(poolChanges.version, newest))).orderBy(poolChanges.version);
        return changesAfter(version, newest, rows);
      }),
    recordConversation: (row) =>
      opened(async () => {
        await db
          .insert(conversations)
          .values(row)
          .onConflictDoUpdate({ target: conversations.conversationId, set: { usedAt: sql`greatest(${conversations.usedAt}, excluded.used_at)` } });
      }),
    findConversation: (conversationId) =>
      opened(async () => (await db.select().from(conversations).where(eq(conversations.conversationId, conversationId)).limit(1))[0] ?? null),
    pruneConversations: (olderThanMs) =>
      opened(() =>
        pruneInBatches(async (limit) => {
          const batch = db.select({ id: conversations.conversationId }).from(conversations).where(lt(conversations.usedAt, olderThanMs)).limit(limit);
          return (await db.delete(conversations).where(inArray(conversations.conversationId, batch)).returning({ id: conversations.conversationId })).length;
        }, pruneBatchSize),
      ),
    logRequest: (entry) => requests.add(entry),
    // reads and prunes see the rows logged before them: what waits in the queue is written first
    recentRequests: (limit) =>
      opened(async () => {
        await requests.flush();
        return db.select().from(requestLog).orderBy(desc(requestLog.id)).limit(limit);
      }),
    listRequests: (filter) =>
      opened(async () => {
        await requests.flush();
        return db.select().from(requestLog).where(requestLogWhere(requestLog, filter)).orderBy(desc(requestLog.id)).limit(filter.limit);
      }),
    pruneRequests: (olderThanMs) =>
      opened(async () => {
        await requests.flush();
        return pruneInBatches(async (limit) => {
          const batch = db.select({ id: requestLog.id }).from(requestLog).where(lt(requestLog.at, olderThanMs)).orderBy(requestLog.at).limit(limit);
          return (await db.delete(requestLog).where(inArray(requestLog.id, batch)).returning({ id: requestLog.id })).length;
        }, pruneBatchSize);
      }),
    withLock: (key, run) =>
      opened(() =>
        // a transaction-scoped lock goes with its connection: a crashed instance cannot leave it held
        lockClient.begin(async (tx) => {
          await tx.unsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
          await tx`SELECT pg_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), hashtext(${key}))`;
          return run();
        }),
      ),
    // the database server's caches are its own; the driver keeps nothing it could give back
    async releaseMemory() {},
    async close() {
      await opening.catch(() => {});
      await requests.flush();
      await Promise.all([client.close(), lockClient.close()]);
    },
  };
}
