/**
 * @module A Store whose implementation is still loading. The PostgreSQL store brings Bun's SQL client and the pg
 * schema with it, which a server on SQLite never needs: they are imported only when DATABASE_URL names PostgreSQL,
 * and this stands in meanwhile. Every Store method is asynchronous, so each simply waits for the real one.
 */
import type { Store } from "./store.ts";

/** Every method of Store; the check below fails to compile when Store gains one that is not listed here. */
const STORE_METHODS = [
  "ready",
  "listAccounts",
  "getAccount",
  "addAccounts",
  "updateAccount",
  "commitRefresh",
  "isRefreshTokenUsed",
  "saveQuotaWindows",
  "quotaWindows",
  "recordUse",
  "removeAccount",
  "clearAccounts",
  "setCooldown",
  "activeCooldowns",
  "clearCooldowns",
  "changesSince",
  "recordConversation",
  "findConversation",
  "pruneConversations",
  "logRequest",
  "recentRequests",
  "listRequests",
  "pruneRequests",
  "withLock",
  "releaseMemory",
  "close",
  "createClientKey",
  "listClientKeys",
  "getClientKey",
  "findClientKey",
  "updateClientKey",
  "admitClientKeyRequest",
  "finishClientKeyRequest",
  "clientKeyUsage",
  "requestStats",
] as const satisfies readonly (keyof Store)[];

type Unlisted = Exclude<keyof Store, (typeof STORE_METHODS)[number]>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * The store `opening` resolves to, usable at once. When loading fails, every call rejects with that failure (so
 * `ready()` reports it, and the start stops), except `close()`, which has nothing to close.
 */
export function deferredStore(opening: Promise<Store>): Store {
  // handled here, so a failure nobody has asked about yet is not an unhandled rejection
  opening.catch(() => {});
  const store: Record<string, AsyncMethod> = {};
  for (const name of STORE_METHODS) {
    store[name] = async (...args) => {
      const opened = await (name === "close" ? opening.catch(() => null) : opening);
      if (!opened) return;
      return Reflect.apply(opened[name] as AsyncMethod, opened, args);
    };
  }
  return store as unknown as Store;
}
