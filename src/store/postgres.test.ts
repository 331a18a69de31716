/**
 * @module Runs the Store contract against PostgreSQL, each store in a throwaway schema of its own, plus what only a
 * shared server can show: two stores (two instances) locking each other out, and migrating together once.
 * Needs PostgreSQL (TEST_DATABASE_URL, default the local `test` database): without it the suite is skipped, or
 * fails under CI.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createPostgresStore } from "./postgres.ts";
import { describePostgresUrl } from "./postgres-url.ts";
import type * as pg from "./schema.pg.ts";
import type { AccountRow, ConversationRow, CooldownRow, QuotaWindowRow, RequestLogRow, Store } from "./store.ts";
import { runStoreContract } from "./store.contract.ts";
import { withTestPostgres } from "../../test/support/pg-test-schemas.ts";
import { silentLogger } from "../logger.ts";
import { openStore } from "../pool/pool-runtime.ts";

// row types are derived from each schema; the Store hands out one type, so the two must not drift apart
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameRows: [
  Same<AccountRow, pg.AccountRow>,
  Same<CooldownRow, pg.CooldownRow>,
  Same<RequestLogRow, pg.RequestLogRow>,
  Same<ConversationRow, pg.ConversationRow>,
  Same<QuotaWindowRow, pg.QuotaWindowRow>,
] = [true, true, true, true, true];
void sameRows;

await withTestPostgres("the PostgreSQL store tests", ({ admin, freshSchemaUrl, lastSchema, serverUrl }) => {
  let lastUrl = "";
  runStoreContract(
    "postgres",
    async (options) => {
      lastUrl = freshSchemaUrl();
      const store = createPostgresStore({ url: lastUrl, ...options });
      await store.ready().catch(() => {});
      return store;
    },
    {
      reopen: async (options) => createPostgresStore({ url: lastUrl, ...options }),
      async rawSecrets() {
        const rows: Array<{ credential: string; access_token: string | null; refresh_token: string | null }> = await admin.unsafe(
          `SELECT credential, access_token, refresh_token FROM "${lastSchema()}".accounts`,
        );
        return rows.flatMap((row) => [row.credential, row.access_token, row.refresh_token]).filter((value): value is string => value !== null);
      },
    },
  );

  describe("PostgreSQL only", () => {
    test("DATABASE_URL=postgres://… opens this store, loaded only then (openStore)", async () => {
      await using stores = closing([openStore({ databaseUrl: freshSchemaUrl(), dataKey: null, dataKeyPrevious: [] }, { now: Date.now, logger: silentLogger })]);
      const [store] = stores.list;
      await store.ready();
      await store.addAccounts([{ credential: "rt-open-store-0123456789", kind: "refresh" }]);
      expect((await store.listAccounts()).map((row) => row.credential)).toEqual(["rt-open-store-0123456789"]);
    });

    test("two stores on one schema exclude each other in withLock, as two instances would", async () => {
      const url = freshSchemaUrl();
      await using stores = closing([createPostgresStore({ url }), createPostgresStore({ url })]);
      const [a, b] = stores.list;
      let counter = 0;
      let inside = 0;
      let mostInside = 0;
      const increment = (store: Store) =>
        store.withLock("test:counter", async () => {
          inside++;
          mostInside = Math.max(mostInside, inside);
          const read = counter;
          await store.listAccounts();
          counter = read + 1;
          inside--;
        });
      await Promise.all([increment(a), increment(b), increment(a), increment(b), increment(a), increment(b)]);
      expect({ counter, mostInside }).toEqual({ counter: 6, mostInside: 1 });
    });

    test("instances opening a new schema together migrate it once and all see one pool", async () => {
      const url = freshSchemaUrl();
      await using stores = closing([createPostgresStore({ url }), createPostgresStore({ url }), createPostgresStore({ url })]);
      await Promise.all(stores.list.map((store) => store.ready()));
      const [a, b, c] = stores.list;
      await a.addAccounts([{ credential: "shared", kind: "access" }]);
      expect((await b.addAccounts([{ credential: "shared", kind: "access" }])).duplicates).toBe(1);
      expect((await c.listAccounts()).map((row) => row.credential)).toEqual(["shared"]);
      const schema = lastSchema();
      expect(await admin.unsafe(`SELECT name FROM "${schema}".__migrations ORDER BY name`)).toEqual([{ name: "0000_init" }, { name: "0001_conversations_sealed_tokens" }, { name: "0002_codex_accounts" }, { name: "0003_client_keys" }, { name: "0004_request_log_attempts" }]);
    });

    test("concurrent adds of one credential from two instances store it once", async () => {
      const url = freshSchemaUrl();
      await using stores = closing([createPostgresStore({ url }), createPostgresStore({ url })]);
      const [a, b] = stores.list;
      const results = await Promise.all([
        a.addAccounts([{ credential: "race", kind: "access" }]),
        b.addAccounts([{ credential: "race", kind: "access" }]),
      ]);
      expect(results.map((r) => r.added.length + r.duplicates)).toEqual([1, 1]);
      expect(results.reduce((sum, r) => sum + r.added.length, 0)).toBe(1);
      expect((await a.listAccounts()).length).toBe(1);
    });

    test("a waiter gives up after lockTimeoutMs instead of hanging behind a stuck holder", async () => {
      const url = freshSchemaUrl();
      await using stores = closing([createPostgresStore({ url }), createPostgresStore({ url, lockTimeoutMs: 50 })]);
      const [holder, waiter] = stores.list;
      let open = (): void => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      let entered = (): void => {};
      const holding = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const held = holder.withLock("test:stuck", async () => {
        entered();
        await gate;
      });
      await holding;
      await expect(waiter.withLock("test:stuck", async () => "never")).rejects.toThrow("lock timeout");
      open();
      await held;
      expect(await waiter.withLock("test:stuck", async () => "free again")).toBe("free again");
    });

    test("an unreachable server fails ready() and every call, naming the host but never the password", async () => {
      const store = createPostgresStore({ url: "postgres://chat2api:s3cret-pw@127.0.0.1:1/nowhere" });
      const failure = await store.ready().then(
        () => "opened",
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(failure).toStartWith("PostgreSQL at 127.0.0.1:1/nowhere could not be opened: ");
      expect(failure).not.toContain("s3cret-pw");
      await expect(store.listAccounts()).rejects.toThrow("could not be opened");
      await store.close();
    });
  });
});

/** Stores closed at the end of the test, whatever happens. */
function closing<const T extends readonly Store[]>(list: T): { list: T } & AsyncDisposable {
  return { list, [Symbol.asyncDispose]: async () => void (await Promise.all(list.map((store) => store.close()))) };
}
