/**
 * @module The client-key half of the PostgreSQL store (client-key-store.ts). An admission locks the key's row
 * (`FOR UPDATE`) for its transaction, so admissions of one key are serialised across every instance sharing the
 * database and none is admitted past a limit; a request's end is single-statement upserts and needs no lock.
 */
import { and, asc, count, eq, gte, lte, sql } from "drizzle-orm";
import type { BunSQLDatabase } from "drizzle-orm/bun-sql";
import { type Admission, type ClientKeyStore, type KeyCounts, limitReached } from "./client-key-store.ts";
import { clientKeyLeases, clientKeys, clientKeyUsage, clientKeyWindows } from "./schema.pg.ts";

export function pgClientKeys<S extends Record<string, unknown>>(db: BunSQLDatabase<S>, opening: Promise<unknown>): ClientKeyStore {
  const opened = async <T>(run: () => Promise<T>): Promise<T> => {
    await opening;
    return run();
  };
  return {
    createClientKey: (row) => opened(async () => (await db.insert(clientKeys).values(row).returning())[0] ?? Promise.reject(new Error("insert returned no row"))),
    listClientKeys: () => opened(() => db.select().from(clientKeys).orderBy(asc(clientKeys.createdAt), asc(clientKeys.id))),
    getClientKey: (id) => opened(async () => (await db.select().from(clientKeys).where(eq(clientKeys.id, id)).limit(1))[0] ?? null),
    findClientKey: (digest) => opened(async () => (await db.select().from(clientKeys).where(eq(clientKeys.digest, digest)).limit(1))[0] ?? null),
    updateClientKey: (id, patch) =>
      opened(async () => {
        if (Object.keys(patch).length === 0) return (await db.select().from(clientKeys).where(eq(clientKeys.id, id)).limit(1))[0] ?? null;
        return (await db.update(clientKeys).set(patch).where(eq(clientKeys.id, id)).returning())[0] ?? null;
      }),
    admitClientKeyRequest: ({ keyId, now, minuteStart, day, lease }) =>
      opened(() =>
        db.transaction(async (tx): Promise<Admission> => {
          const counts: KeyCounts = { requests: 0, tokens: 0, tokensToday: 0, inFlight: 0 };
          const [key = null] = await tx.select().from(clientKeys).where(eq(clientKeys.id, keyId)).for("update");
          if (!key) return { admitted: false, key, counts, refusedBy: "unknown-key" };
          const [today] = await tx.select().from(clientKeyUsage).where(and(eq(clientKeyUsage.keyId, keyId), eq(clientKeyUsage.day, day)));
          counts.tokensToday = today ? today.promptTokens + today.completionTokens : 0;
          const windows = await tx.select().from(clientKeyWindows).where(eq(clientKeyWindows.keyId, keyId));
          const current = (counter: "requests" | "tokens") => windows.find((row) => row.counter === counter && row.windowStart === minuteStart)?.used ?? 0;
          counts.tokens = current("tokens");
          counts.requests = current("requests");
          if (key.concurrentRequests !== null) {
            await tx.delete(clientKeyLeases).where(and(eq(clientKeyLeases.keyId, keyId), lte(clientKeyLeases.expiresAt, now)));
            const [row] = await tx.select({ n: count() }).from(clientKeyLeases).where(eq(clientKeyLeases.keyId, keyId));
            counts.inFlight = Number(row?.n ?? 0);
          }
          const refusedBy = limitReached(key, counts);
          if (refusedBy) return { admitted: false, key, counts, refusedBy };
          await tx
            .insert(clientKeyWindows)
            .values({ keyId, counter: "requests", windowStart: minuteStart, used: 1 })
            .onConflictDoUpdate({
              target: [clientKeyWindows.keyId, clientKeyWindows.counter],
              set: {
                used: sql`CASE WHEN ${clientKeyWindows.windowStart} = excluded.window_start THEN ${clientKeyWindows.used} + 1 ELSE 1 END`,
                windowStart: sql`excluded.window_start`,
              },
            });
          counts.requests++;
          const leaseTaken = key.concurrentRequests !== null;
          if (leaseTaken) {
            await tx.insert(clientKeyLeases).values({ id: lease.id, keyId, expiresAt: lease.expiresAt });
            counts.inFlight++;
          }
          await tx
            .insert(clientKeyUsage)
            .values({ keyId, day, requests: 1 })
            .onConflictDoUpdate({ target: [clientKeyUsage.keyId, clientKeyUsage.day], set: { requests: sql`${clientKeyUsage.requests} + 1` } });
          return { admitted: true, key, counts, leaseTaken };
        }),
      ),
    finishClientKeyRequest: ({ keyId, leaseId, promptTokens, completionTokens, minuteStart, day }) =>
      opened(async () => {
        if (leaseId !== null) await db.delete(clientKeyLeases).where(eq(clientKeyLeases.id, leaseId));
        const tokens = promptTokens + completionTokens;
        if (tokens <= 0) return;
        await db
          .insert(clientKeyWindows)
          .values({ keyId, counter: "tokens", windowStart: minuteStart, used: tokens })
          .onConflictDoUpdate({
            target: [clientKeyWindows.keyId, clientKeyWindows.counter],
            set: {
              // a request that ends in a later window than the row's starts that window; one from an earlier window is added
              used: sql`CASE WHEN ${clientKeyWindows.windowStart} >= excluded.window_start THEN ${clientKeyWindows.used} + excluded.used ELSE excluded.used END`,
              windowStart: sql`greatest(${clientKeyWindows.windowStart}, excluded.window_start)`,
            },
          });
        await db
          .insert(clientKeyUsage)
          .values({ keyId, day, requests: 0, promptTokens, completionTokens })
          .onConflictDoUpdate({
            target: [clientKeyUsage.keyId, clientKeyUsage.day],
            set: {
              promptTokens: sql`${clientKeyUsage.promptTokens} + excluded.prompt_tokens`,
              completionTokens: sql`${clientKeyUsage.completionTokens} + excluded.completion_tokens`,
            },
          });
      }),
    clientKeyUsage: (keyId, fromDay) =>
      opened(() => db.select().from(clientKeyUsage).where(and(eq(clientKeyUsage.keyId, keyId), gte(clientKeyUsage.day, fromDay))).orderBy(asc(clientKeyUsage.day))),
  };
}
