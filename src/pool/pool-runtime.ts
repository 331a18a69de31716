/**
 * @module Builds the pool's runtime from Config: opens the Store (migrations applied), wires refresh, selection,
 * caller resolution and the refresh schedule. main.ts calls it once and hands the pieces to the app.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { createSqliteStore, sqlitePathFromUrl } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { createOAuthRefresh } from "../upstream/auth/oauth-refresh.ts";
import type { AccountPool } from "./account-pool.ts";
import { createAccountPool } from "./account-pool.ts";
import type { RefreshScheduler } from "./refresh-scheduler.ts";
import { createRefreshScheduler } from "./refresh-scheduler.ts";
import type { Refresher } from "./refresher.ts";
import { createRefresher } from "./refresher.ts";
import type { CallerResolver } from "./resolve-caller.ts";
import { createCallerResolver } from "./resolve-caller.ts";

export interface PoolRuntime {
  store: Store;
  pool: AccountPool;
  resolveCaller: CallerResolver;
  refresher: Refresher;
  scheduler: RefreshScheduler;
  close(): Promise<void>;
}

export type PoolConfig = Pick<
  Config,
  | "authorizationKeys"
  | "authBaseUrl"
  | "oauthClientId"
  | "oauthRedirectUri"
  | "enableLimit"
  | "randomToken"
  | "scheduledRefresh"
  | "refreshCron"
  | "databaseUrl"
>;

export interface PoolRuntimeDeps {
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** A ready Store (tests, PostgreSQL later); by default opened from DATABASE_URL. */
  store?: Store;
}

/** Opens everything; call `scheduler.start()` when the server listens (it refreshes stale tokens first). */
export function createPoolRuntime(config: PoolConfig, { logger, fetch: doFetch, now = Date.now, store: given }: PoolRuntimeDeps): PoolRuntime {
  if (!given && !config.databaseUrl.startsWith("sqlite:")) {
    throw new Error("DATABASE_URL: only sqlite:<path> is implemented so far; postgres:// comes with the PostgreSQL store.");
  }
  const store = given ?? createSqliteStore({ path: sqlitePathFromUrl(config.databaseUrl), now });
  const log = logger.child({ component: "pool" });
  const oauthRefresh = createOAuthRefresh({
    authBaseUrl: config.authBaseUrl,
    clientId: config.oauthClientId,
    redirectUri: config.oauthRedirectUri,
    ...(doFetch ? { fetch: doFetch } : {}),
  });
  const refresher = createRefresher({ store, oauthRefresh, logger: log, now });
  const pool = createAccountPool({ store, refresher, config, logger: log, now });
  const resolveCaller = createCallerResolver({ config, refresher });
  const scheduler = createRefreshScheduler({ refresher, logger: log, enabled: config.scheduledRefresh, pattern: config.refreshCron });
  return {
    store,
    pool,
    resolveCaller,
    refresher,
    scheduler,
    async close() {
      scheduler.stop();
      await store.close();
    },
  };
}
