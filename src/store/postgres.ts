/**
 * @module The Store over PostgreSQL with drizzle-orm on Bun's native client (`Bun.sql`), for several chat2api
 * instances sharing one pool. Opening is asynchronous (connect, migrate); every method waits for it, and `ready()`
 * reports a failure to open.
 */
import { SQL } from "bun";
import { desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sql";
import { LOCK_NAMESPACE, migratePg } from "./migrate-pg.ts";
import { pruneInBatches } from "./prune-in-batches.ts";
import { accounts, cooldowns, requestLog } from "./schema.pg.ts";
import type { NewAccountRow } from "./schema.pg.ts";
import type { AccountRow, Store } from "./store.ts";

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
}

/** Where the database is, for messages: never the user name or password. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "an unparsable postgres:// URL";
  }
}

const LOCK_CONNECTIONS = 4;

export function createPostgresStore({ url, now = Date.now, lockTimeoutMs = 60_000, maxConnections = 10, pruneBatchSize }: PostgresStoreOptions): Store {
  const client = new SQL({ url, max: maxConnections });
  const lockClient = new SQL({ url, max: LOCK_CONNECTIONS });
  const db = drizzle({ client, schema: { accounts, cooldowns, requestLog } });
  const opening = migratePg(client).then(
    () => undefined,
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      // the cause's code tells an unreachable server (retry) from refused credentials (fix DATABASE_URL)
      throw new Error(`PostgreSQL at ${describePostgresUrl(url)} could not be opened: ${reason}`, { cause: error });
    },
  );
  // a failure is reported by every later call and by ready(); unobserved it must not crash the process
  opening.catch(() => {});

  async function opened<T>(run: () => Promise<T>): Promise<T> {
    await opening;
    return run();
  }

  return {
    ready: () => opening,
    listAccounts: () => opened(() => db.select().from(accounts).orderBy(accounts.createdAt, accounts.id)),
    getAccount: (id) =>
      opened(async () => (await db.select().from(accounts).where(eq(accounts.id, id)).limit(1))[0] ?? null),
    addAccounts: (inputs) =>
      opened(() =>
        db.transaction(async (tx) => {
          const added: AccountRow[] = [];
          let duplicates = 0;
          for (const input of inputs) {
            const row: NewAccountRow = { ...input, id: Bun.randomUUIDv7(), createdAt: now() };
            const [inserted] = await tx.insert(accounts).values(row).onConflictDoNothing().returning();
            if (inserted) added.push(inserted);
            else duplicates++;
          }
          return { added, duplicates };
        }),
      ),
    updateAccount: (id, patch) =>
      opened(async () => {
        if (Object.keys(patch).length === 0) return;
        await db.update(accounts).set(patch).where(eq(accounts.id, id));
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
          return (await tx.delete(accounts).where(eq(accounts.id, id)).returning({ id: accounts.id })).length > 0;
        }),
      ),
    clearAccounts: () =>
      opened(() =>
        db.transaction(async (tx) => {
          await tx.delete(cooldowns).where(inArray(cooldowns.subject, tx.select({ id: accounts.id }).from(accounts)));
          return (await tx.delete(accounts).returning({ id: accounts.id })).length;
        }),
      ),
    setCooldown: (cooldown) =>
      opened(async () => {
        await db
          .insert(cooldowns)
          .values(cooldown)
          .onConflictDoUpdate({
            target: [cooldowns.subject, cooldowns.model],
            set: { untilMs: sql`greatest(${cooldowns.untilMs}, excluded.until_ms)`, reason: sql`excluded.reason` },
          });
      }),
    activeCooldowns: (nowMs) =>
      opened(() => db.select().from(cooldowns).where(gt(cooldowns.untilMs, nowMs)).orderBy(cooldowns.untilMs)),
    clearCooldowns: (subject) =>
      opened(async () => (await db.delete(cooldowns).where(eq(cooldowns.subject, subject)).returning()).length),
    logRequest: (entry) =>
      opened(async () => {
        await db.insert(requestLog).values(entry);
      }),
    recentRequests: (limit) => opened(() => db.select().from(requestLog).orderBy(desc(requestLog.id)).limit(limit)),
    pruneRequests: (olderThanMs) =>
      opened(() =>
        pruneInBatches(async (limit) => {
          const batch = db.select({ id: requestLog.id }).from(requestLog).where(lt(requestLog.at, olderThanMs)).orderBy(requestLog.at).limit(limit);
          return (await db.delete(requestLog).where(inArray(requestLog.id, batch)).returning({ id: requestLog.id })).length;
        }, pruneBatchSize),
      ),
    withLock: (key, run) =>
      opened(() =>
        // a transaction-scoped lock goes with its connection: a crashed instance cannot leave it held
        lockClient.begin(async (tx) => {
          await tx.unsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
          await tx`SELECT pg_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), hashtext(${key}))`;
          return run();
        }),
      ),
    async close() {
      await opening.catch(() => {});
      await Promise.all([client.close(), lockClient.close()]);
    },
  };
}
