/**
 * @module The client-key half of the SQLite store (client-key-store.ts). bun:sqlite runs each transaction whole on
 * this thread, so an admission is atomic within the process; the counters are single-statement upserts, so several
 * processes on one file never lose a count either.
 */
import { and, asc, count, eq, gte, lte, sql } from "drizzle-orm";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { type Admission, type ClientKeyStore, type KeyCounts, limitReached } from "./client-key-store.ts";
import { clientKeyLeases, clientKeys, clientKeyUsage, clientKeyWindows } from "./schema.sqlite.ts";

export function sqliteClientKeys<S extends Record<string, unknown>>(db: BunSQLiteDatabase<S>, opening: Promise<unknown>): ClientKeyStore {
  return {
    async createClientKey(row) {
      await opening;
      return db.insert(clientKeys).values(row).returning().get();
    },
    async listClientKeys() {
      await opening;
      return db.select().from(clientKeys).orderBy(asc(clientKeys.createdAt), asc(clientKeys.id)).all();
    },
    async getClientKey(id) {
      await opening;
      return db.select().from(clientKeys).where(eq(clientKeys.id, id)).get() ?? null;
    },
    async findClientKey(digest) {
      await opening;
      return db.select().from(clientKeys).where(eq(clientKeys.digest, digest)).get() ?? null;
    },
    async updateClientKey(id, patch) {
      await opening;
      if (Object.keys(patch).length === 0) return db.select().from(clientKeys).where(eq(clientKeys.id, id)).get() ?? null;
      return db.update(clientKeys).set(patch).where(eq(clientKeys.id, id)).returning().get() ?? null;
    },
    async admitClientKeyRequest({ keyId, now, minuteStart, day, lease }) {
      await opening;
      return db.transaction((tx): Admission => {
        const counts: KeyCounts = { requests: 0, tokens: 0, tokensToday: 0, inFlight: 0 };
        const key = tx.select().from(clientKeys).where(eq(clientKeys.id, keyId)).get() ?? null;
        if (!key) return { admitted: false, key, counts, refusedBy: "unknown-key" };
        const today = tx.select().from(clientKeyUsage).where(and(eq(clientKeyUsage.keyId, keyId), eq(clientKeyUsage.day, day))).get();
        counts.tokensToday = today ? today.promptTokens + today.completionTokens : 0;
        const tokens = tx.select().from(clientKeyWindows).where(and(eq(clientKeyWindows.keyId, keyId), eq(clientKeyWindows.counter, "tokens"))).get();
        counts.tokens = tokens && tokens.windowStart === minuteStart ? tokens.used : 0;
        const requests = tx.select().from(clientKeyWindows).where(and(eq(clientKeyWindows.keyId, keyId), eq(clientKeyWindows.counter, "requests"))).get();
        counts.requests = requests && requests.windowStart === minuteStart ? requests.used : 0;
        if (key.concurrentRequests !== null) {
          tx.delete(clientKeyLeases).where(and(eq(clientKeyLeases.keyId, keyId), lte(clientKeyLeases.expiresAt, now))).run();
          counts.inFlight = tx.select({ n: count() }).from(clientKeyLeases).where(eq(clientKeyLeases.keyId, keyId)).get()?.n ?? 0;
        }
        const refusedBy = limitReached(key, counts);
        if (refusedBy) return { admitted: false, key, counts, refusedBy };
        tx.insert(clientKeyWindows)
          .values({ keyId, counter: "requests", windowStart: minuteStart, used: 1 })
          .onConflictDoUpdate({
            target: [clientKeyWindows.keyId, clientKeyWindows.counter],
            set: {
              used: sql`CASE WHEN ${clientKeyWindows.windowStart} = excluded.window_start THEN ${clientKeyWindows.used} + 1 ELSE 1 END`,
              windowStart: sql`excluded.window_start`,
            },
          })
          .run();
        counts.requests++;
        const leaseTaken = key.concurrentRequests !== null;
        if (leaseTaken) {
          tx.insert(clientKeyLeases).values({ id: lease.id, keyId, expiresAt: lease.expiresAt }).run();
          counts.inFlight++;
        }
        tx.insert(clientKeyUsage)
          .values({ keyId, day, requests: 1 })
          .onConflictDoUpdate({ target: [clientKeyUsage.keyId, clientKeyUsage.day], set: { requests: sql`${clientKeyUsage.requests} + 1` } })
          .run();
        return { admitted: true, key, counts, leaseTaken };
      });
    },
    async finishClientKeyRequest({ keyId, leaseId, promptTokens, completionTokens, minuteStart, day }) {
      await opening;
      db.transaction((tx) => {
        if (leaseId !== null) tx.delete(clientKeyLeases).where(eq(clientKeyLeases.id, leaseId)).run();
        const tokens = promptTokens + completionTokens;
        if (tokens <= 0) return;
        tx.insert(clientKeyWindows)
          .values({ keyId, counter: "tokens", windowStart: minuteStart, used: tokens })
          .onConflictDoUpdate({
            target: [clientKeyWindows.keyId, clientKeyWindows.counter],
            set: {
              // a request that ends in a later window than the row's starts that window; one from an earlier window is added
              used: sql`CASE WHEN ${clientKeyWindows.windowStart} >= excluded.window_start THEN ${clientKeyWindows.used} + excluded.used ELSE excluded.used END`,
              windowStart: sql`max(${clientKeyWindows.windowStart}, excluded.window_start)`,
            },
          })
          .run();
        tx.insert(clientKeyUsage)
          .values({ keyId, day, requests: 0, promptTokens, completionTokens })
          .onConflictDoUpdate({
            target: [clientKeyUsage.keyId, clientKeyUsage.day],
            set: {
              promptTokens: sql`${clientKeyUsage.promptTokens} + excluded.prompt_tokens`,
              completionTokens: sql`${clientKeyUsage.completionTokens} + excluded.completion_tokens`,
            },
          })
          .run();
      });
    },
    async clientKeyUsage(keyId, fromDay) {
      await opening;
      return db.select().from(clientKeyUsage).where(and(eq(clientKeyUsage.keyId, keyId), gte(clientKeyUsage.day, fromDay))).orderBy(asc(clientKeyUsage.day)).all();
    },
  };
}
