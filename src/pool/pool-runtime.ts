/**
 * @module Builds the pool's runtime from Config: opens the Store (migrations applied), wires refresh, selection,
 * caller resolution and the refresh schedule. main.ts calls it once and hands the pieces to the app.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { createPostgresStore } from "../store/postgres.ts";
import { createSqliteStore, sqlitePathFromUrl } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { createAccountGrant } from "./account-grant.ts";
import type { AccountPool } from "./account-pool.ts";
import { createAccountPool } from "./account-pool.ts";
import type { RefreshScheduler } from "./refresh-scheduler.ts";
import { createRefreshScheduler } from "./refresh-scheduler.ts";
import { createRateLimiter } from "./rate-limiter.ts";
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
  | "refreshExchangesPerMinute"
  | "databaseUrl"
  | "dataKey"
  | "dataKeyPrevious"
>;

export interface PoolRuntimeDeps {
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** A Store to use instead of opening DATABASE_URL (tests). */
  store?: Store;
}

/**
 * DATABASE_URL → its Store: `sqlite:<path>` for one machine, `postgres://…` for instances sharing one pool; tokens
 * sealed with DATA_KEY when it is set.
 */
export function openStore(config: Pick<Config, "databaseUrl" | "dataKey" | "dataKeyPrevious">, { now, logger }: { now: () => number; logger: Logger }): Store {
  const { databaseUrl } = config;
  const options = { now, logger, dataKeys: { current: config.dataKey, previous: config.dataKeyPrevious } };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return createPostgresStore({ url: databaseUrl, ...options });
  if (databaseUrl.startsWith("sqlite:")) return createSqliteStore({ path: sqlitePathFromUrl(databaseUrl), ...options });
  throw new Error("DATABASE_URL: expected sqlite:<path> or postgres://…");
}

/**
 * Opens everything; call `scheduler.start()` when the server listens: it waits until the store is open (so a
 * database that cannot be reached or migrated fails the start), then refreshes stale tokens.
 */
export function createPoolRuntime(config: PoolConfig, { logger, fetch: doFetch, now = Date.now, store: given }: PoolRuntimeDeps): PoolRuntime {
  const log = logger.child({ component: "pool" });
  const store = given ?? openStore(config, { now, logger: log.child({ component: "store" }) });
  if (!given && config.dataKey === null) log.info("tokens are stored in plain text: set DATA_KEY to encrypt them at rest");
  const perMinute = config.refreshExchangesPerMinute;
  const exchangeLimiter = createRateLimiter({
    perKey: { burst: perMinute, perMinute },
    overall: { burst: perMinute * 10, perMinute: perMinute * 10 },
    now,
  });
  const accountGrant = createAccountGrant({
    authBaseUrl: config.authBaseUrl,
    webClient: { id: config.oauthClientId, refreshRedirectUri: config.oauthRedirectUri },
    ...(doFetch ? { fetch: doFetch } : {}),
  });
  const refresher = createRefresher({ store, accountGrant, logger: log, now, exchangeLimiter });
  const pool = createAccountPool({ store, refresher, config, logger: log, now });
  const resolveCaller = createCallerResolver({ config, refresher });
  const schedule = createRefreshScheduler({ refresher, logger: log, enabled: config.scheduledRefresh, pattern: config.refreshCron });
  const scheduler: RefreshScheduler = {
    ...schedule,
    async start() {
      await store.ready();
      return schedule.start();
    },
  };
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
