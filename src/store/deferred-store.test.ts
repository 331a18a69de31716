import { describe, expect, test } from "bun:test";
import { deferredStore } from "./deferred-store.ts";
import { createSqliteStore } from "./sqlite.ts";
import type { Store } from "./store.ts";
import { runStoreContract } from "./store.contract.ts";

// the whole contract through the stand-in, its store arriving a moment later (as an import would)
runStoreContract("deferred sqlite in memory", async (options) =>
  deferredStore(Bun.sleep(1).then(() => createSqliteStore({ path: ":memory:", ...options }))),
);

describe("deferredStore", () => {
  test("a call made before the store has loaded waits for it", async () => {
    let arrive: (store: Store) => void = () => {};
    const store = deferredStore(new Promise<Store>((resolve) => (arrive = resolve)));
    const listed = store.listAccounts();
    const real = createSqliteStore({ path: ":memory:" });
    await real.addAccounts([{ credential: "rt-deferred-0123456789", kind: "refresh" }]);
    arrive(real);
    expect((await listed).map((row) => row.credential)).toEqual(["rt-deferred-0123456789"]);
    await store.close();
  });

  test("a store that fails to load fails every call with that failure, and closes quietly", async () => {
    const store = deferredStore(Promise.reject(new Error("PostgreSQL at db:5432/pool could not be opened")));
    await expect(store.ready()).rejects.toThrow("could not be opened");
    await expect(store.listAccounts()).rejects.toThrow("could not be opened");
    await expect(store.close()).resolves.toBeUndefined();
  });
});
