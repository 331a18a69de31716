/**
 * @module Builds the pool's runtime from Config: opens the Store (migrations applied), wires refresh, selection,
 * caller resolution and the refresh schedule. main.ts calls it once and hands the pieces to the app.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { deferredStore } from "../store/deferred-store.ts";
import { createSqliteStore, sqlitePathFromUrl } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { isCodexAccessToken, readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import { DEFAULT_CODEX_CLIENT_VERSION } from "../engines/codex/client-version.ts";
import { fetchCodexModels } from "../engines/codex/fetch-models.ts";
import { createAccountGrant } from "./account-grant.ts";
import { CodexCatalogs } from "./codex-catalogs.ts";
import { createPoolView } from "./pool-view.ts";
import { isTokenStale } from "./refresher.ts";
import type { AccountPool } from "./account-pool.ts";
import { createAccountPool } from "./account-pool.ts";
import type { RefreshScheduler } from "./refresh-scheduler.ts";
import { createRefreshScheduler } from "./refresh-scheduler.ts";
import { createRateLimiter } from "./rate-limiter.ts";
import type { Refresher } from "./refresher.ts";
import { createRefresher } from "./refresher.ts";
import { createSessionGrant } from "./session-grant.ts";
import type { CallerResolver } from "./resolve-caller.ts";
import { createCallerResolver } from "./resolve-caller.ts";

export interface PoolRuntime {
  store: Store;
  pool: AccountPool;
  resolveCaller: CallerResolver;
  refresher: Refresher;
  scheduler: RefreshScheduler;
  /** Each Codex account's model catalog: what is routed to the Codex engine, listed, and leased where. */
  codexCatalogs: CodexCatalogs;
  close(): Promise<void>;
}

/** A Codex catalog call that has not answered by then is given up; a request waiting on it goes on without it. */
const CATALOG_TIMEOUT_MS = 15_000;

export type PoolConfig = Pick<
  Config,
  | "authorizationKeys"
  | "adminKey"
  | "authBaseUrl"
  | "chatgptBaseUrls"
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
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // loaded only when named: Bun's SQL client and the pg schema are no part of a server on SQLite (issue 12)
    return deferredStore(import("../store/postgres.ts").then(({ createPostgresStore }) => createPostgresStore({ url: databaseUrl, ...options })));
  }
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
  const sessionGrant = createSessionGrant({ baseUrl: config.chatgptBaseUrls[0] ?? "https://chatgpt.com", now, ...(doFetch ? { fetch: doFetch } : {}) });
  const refresher = createRefresher({ store, accountGrant, sessionGrant, logger: log, now, exchangeLimiter });
  const view = createPoolView(store, now);
  const codexCatalogs = new CodexCatalogs({
    accounts: async () => (await view.current()).accounts,
    // the token as stored now, never refreshed for a catalog: an exchange is spent only when a request needs it
    async credential(account) {
      const row = await store.getAccount(account.id);
      if (!row?.accessToken || isTokenStale(row, now()) || !isCodexAccessToken(row.accessToken)) return null;
      const chatgptAccountId = row.chatgptAccountId ?? readCodexClaims(row.accessToken).chatgptAccountId;
      return chatgptAccountId ? { accessToken: row.accessToken, chatgptAccountId } : null;
    },
    load: (credential, etag) =>
      fetchCodexModels(
        { baseUrl: config.chatgptBaseUrls[0] ?? "https://chatgpt.com", accessToken: credential.accessToken, accountId: credential.chatgptAccountId, ...(doFetch ? { fetch: doFetch } : {}), now, signal: AbortSignal.timeout(CATALOG_TIMEOUT_MS) },
        etag,
      ),
    markHasCodex: (accountId, hasCodex) => store.updateAccount(accountId, { hasCodex }),
    clientVersion: DEFAULT_CODEX_CLIENT_VERSION,
    logger: log,
    now,
  });
  const pool = createAccountPool({ store, view, refresher, config, logger: log, catalogs: codexCatalogs, now });
  const resolveCaller = createCallerResolver({ config, refresher });
  const schedule = createRefreshScheduler({ refresher, logger: log, enabled: config.scheduledRefresh, pattern: config.refreshCron });
  const scheduler: RefreshScheduler = {
    ...schedule,
    async start() {
      await store.ready();
      // not awaited: an unreachable upstream must not hold up the start; a Codex request waits for it instead
      void codexCatalogs.learnUnknown();
      return schedule.start();
    },
  };
  return {
    store,
    pool,
    resolveCaller,
    refresher,
    scheduler,
    codexCatalogs,
    async close() {
      scheduler.stop();
      await codexCatalogs.close();
      await store.close();
    },
  };
}
