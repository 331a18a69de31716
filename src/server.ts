/**
 * @module Builds the whole server from a Config: logger, proof-of-work workers, account pool, upstream client,
 * services and the app. `main.ts` calls it for the real process; end-to-end tests call it with `port: 0`.
 */
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { ReplyService } from "./reply/reply-service.ts";
import { ChatService } from "./modules/chat/service.ts";
import { adminModule } from "./modules/admin/index.ts";
import { createAdminService } from "./modules/admin/service.ts";
import { codexLoginModule } from "./modules/admin/codex-login.ts";
import { keysModule } from "./modules/admin/keys.ts";
import { statsModule } from "./modules/admin/stats.ts";
import { createStatsService } from "./modules/admin/stats-service.ts";
import { withClientKeys } from "./keys/client-key-caller.ts";
import { clientKeyOf, keyGate } from "./keys/key-gate.ts";
import { logRefusedRequest } from "./reply/request-log.ts";
import { markLogged, requestTraceOf } from "./modules/request-context.ts";
import { ClientKeys } from "./keys/key-store-facade.ts";
import { chargingKeyUsage } from "./keys/usage.ts";
import { createCodexLoginService } from "./modules/admin/codex-login-service.ts";
import { chatModule } from "./modules/chat/index.ts";
import { gatewayModule } from "./modules/gateway/index.ts";
import { healthModule } from "./modules/health/index.ts";
import { homeModule } from "./modules/home/index.ts";
import { metricsModule } from "./modules/health/metrics-module.ts";
import { imagesModule } from "./modules/images/index.ts";
import { modelsModule } from "./modules/models/index.ts";
import { assetsModule } from "./modules/assets/index.ts";
import { AssetCache } from "./media/asset-cache.ts";
import { createImageDownloader } from "./media/download-image.ts";
import { createAssetLinks } from "./reply/asset-links.ts";
import { responsesModule } from "./modules/responses/index.ts";
import { tokensModule } from "./modules/tokens/index.ts";
import { countPowSolves } from "./metrics/count-pow-solves.ts";
import { createMetrics } from "./metrics/metrics.ts";
import { createPoolRuntime, type PoolRuntime } from "./pool/pool-runtime.ts";
import { createRequestLogRetention } from "./pool/retention.ts";
import { UpstreamClient } from "./engines/web/client.ts";
import { PowWorkerPool } from "./engines/web/pow/pool.ts";
import { StreamSlots } from "./engines/web/stream-slots.ts";
import type { FetchLike } from "./engines/web/session.ts";
import { VERSION } from "./version.ts";

export interface ServerDeps {
  logger: Logger;
  /** Outbound fetch (tests may wrap it); Bun's by default. */
  fetch?: FetchLike;
  /** Told as each request comes in, before anything else is done with it (main.ts wakes its busy collection). */
  onRequest?: () => void;
}

export interface RunningServer extends AsyncDisposable {
  url: string;
  port: number;
  runtime: PoolRuntime;
  /** Upstream conversation slots (MAX_UPSTREAM_STREAMS, MAX_STREAMS_PER_ACCOUNT): what is streaming and waiting. */
  streams: StreamSlots;
  /** Requests being answered now, streams included. */
  pendingRequests(): number;
  /**
   * Stops taking requests and closes everything. `graceMs`: how long replies in flight may finish first (a restart
   * under systemd should not cut answers mid-sentence); after it, open connections are closed.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export { VERSION };

export function buildApp(config: Readonly<Config>, deps: ServerDeps) {
  const { logger } = deps;
  const metrics = createMetrics({ version: VERSION });
  const pow = new PowWorkerPool({ size: config.powWorkers });
  const runtime = createPoolRuntime(config, { logger, ...(deps.fetch ? { fetch: deps.fetch as typeof fetch } : {}) });
  const retention = createRequestLogRetention({ store: runtime.store, logger: logger.child({ component: "retention" }), days: config.requestLogDays });
  const streams = new StreamSlots({
    overall: config.maxUpstreamStreams,
    perBucket: config.maxStreamsPerAccount,
    queueLength: config.streamQueueLength,
    maxWaitMs: config.streamQueueWaitMs,
  });
  const upstream = new UpstreamClient({
    streams,
    hosts: config.chatgptBaseUrls,
    language: config.oaiLanguage,
    authKey: config.authKey,
    conversationOnly: config.conversationOnly,
    powDifficultyLimit: config.powDifficulty,
    webProtocol: config.webProtocol,
    lateImageWaitMs: config.lateImageWaitMs,
    pow: countPowSolves(pow, metrics),
    turnstileSolverUrl: config.turnstileSolverUrl,
    arkoseTokenUrls: config.arkoseTokenUrls,
    logger: logger.child({ component: "upstream" }),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  // images whose upstream link needs the account's bearer are downloaded and served by chat2api (/v1/assets/{id})
  const assets = new AssetCache();
  const downloadImage = createImageDownloader({ upstream, config });
  const assetLinks = createAssetLinks({ download: downloadImage, cache: assets });
  // client keys (issue 11): served from the pool within their limits, their tokens charged from the request log
  const keys = new ClientKeys({ store: runtime.store });
  const replies = new ReplyService({
    config,
    upstream,
    resolveCaller: withClientKeys(runtime.resolveCaller, keys),
    pool: runtime.pool,
    store: chargingKeyUsage(runtime.store, keys, (error) => logger.warn("client key usage write failed", { error })),
    logger: logger.child({ component: "chat" }),
    onAttempt: (outcome) => metrics.countAttempt(outcome),
    codexCatalogs: runtime.codexCatalogs,
    assets: assetLinks,
  });
  const chat = new ChatService(replies);
  const learnCatalogs = (): void => void runtime.codexCatalogs.learnUnknown();
  const admin = createAdminService({ store: runtime.store, refresher: runtime.refresher, scheduler: runtime.scheduler, onAccountsAdded: learnCatalogs });
  const codexLogin = createCodexLoginService({ store: runtime.store, authBaseUrl: config.authBaseUrl, logger, onAccountsAdded: learnCatalogs, ...(deps.fetch ? { fetch: deps.fetch as typeof fetch } : {}) });
  const app = createApp({
    apiPrefix: config.apiPrefix,
    maxBodyBytes: config.maxBodyBytes,
    adminOrigins: config.adminOrigins,
    logger,
    version: VERSION,
    metrics,
    ...(deps.onRequest ? { onRequest: deps.onRequest } : {}),
    modules: [
      // first: its hooks cover the API routes registered after it
      keyGate({
        keys,
        prefix: config.apiPrefix ? `/${config.apiPrefix}` : "",
        onRefused: (request, model, error) => {
          markLogged(request);
          const refused = { ...requestTraceOf(request), model: model ?? "", engine: null, startedAt: Date.now(), attempts: [] };
          logRefusedRequest({ store: runtime.store, logger, now: Date.now }, refused, error, request.signal.aborted);
        },
      }),
      chatModule({ service: chat, logger }),
      responsesModule({ replies, logger }),
      imagesModule({ replies, download: downloadImage, assets: assetLinks }),
      assetsModule({ cache: assets }),
      modelsModule({ router: replies.router, allowedModels: (request) => keys.allowedModels(clientKeyOf(request)) }),
      homeModule({ prefix: config.apiPrefix ? `/${config.apiPrefix}` : "", version: VERSION }),
      healthModule({ ready: async () => (await runtime.store.listAccounts(), true) }),
      metricsModule({ metrics, store: runtime.store, config }),
      tokensModule({ service: admin, config }),
      adminModule({ service: admin, config }),
      keysModule({ keys, config }),
      codexLoginModule({ service: codexLogin, config }),
      statsModule({ service: createStatsService({ store: runtime.store, listAccounts: () => admin.listAccounts() }), config }),
    ],
    onRefusedBeforeService: (request, error, body) => {
      const model = body !== null && typeof body === "object" && "model" in body && typeof body.model === "string" ? body.model : "";
      logRefusedRequest({ store: runtime.store, logger, now: Date.now }, { ...requestTraceOf(request), model, engine: null, startedAt: Date.now(), attempts: [] }, error, false);
    },
    // a catch-all under /backend-api and /backend-anon that streams the body on as it arrives
    rawBodyModules: config.enableGateway ? [gatewayModule({ config, logger, fetch: deps.fetch })] : [],
  });
  const close = async (): Promise<void> => {
    runtime.scheduler.stop();
    // a prune in progress finishes before the store closes under it
    await retention.stop();
    await pow.close();
    await runtime.close();
  };
  return { app, runtime, retention, streams, close };
}

/** How long after the port opens the housekeeping starts (issue 12: 10-25 ms of it held up the first answer). */
export const HOUSEKEEPING_DELAY_MS = 1_000;

export async function startServer(config: Readonly<Config>, deps: ServerDeps): Promise<RunningServer> {
  const { app, runtime, retention, streams, close } = buildApp(config, deps);
  // a database that cannot be opened or migrated stops the start, before the port is taken
  await runtime.store.ready().catch(async (error: unknown) => {
    await close().catch(() => {});
    throw error;
  });
  try {
    app.listen({
      port: config.port,
      hostname: config.host,
      // reasoning models can think for minutes; streams also send keep-alive comments
      idleTimeout: 255,
      // a second instance on the same port must fail loudly, not silently share the traffic
      reusePort: false,
      // Bun's own limit answers an empty 413, never OpenAI's shape: it is out of the way, and the app enforces
      // MAX_BODY_SIZE itself (a declared Content-Length at once, the bytes of any framing as they are read)
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    });
  } catch (error) {
    // goes up as it is (syscall "listen"): startup-failure.ts names HOST or PORT from it
    await close().catch(() => {});
    throw error;
  }
  const server = app.server;
  if (!server) throw new Error("the server did not start");
  // housekeeping no request waits for starts a moment after the port opens, so the first requests are answered
  // before it: the refresh schedule with its start-up run, the Codex catalogs of stored accounts, the request-log
  // prune (which on a long log takes a while); each logs its own outcome
  const housekeeping = setTimeout(() => {
    runtime.scheduler.start().catch((error: unknown) => deps.logger.error("the token refresh schedule could not start", { error }));
    void retention.start();
  }, HOUSEKEEPING_DELAY_MS);
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${server.port}`;
  const stop = async ({ graceMs = 0 }: { graceMs?: number } = {}): Promise<void> => {
    clearTimeout(housekeeping);
    if (graceMs > 0) {
      const drained = server.stop(false).then(() => true);
      const waited = await Promise.race([drained, Bun.sleep(graceMs).then(() => false)]);
      if (!waited) deps.logger.warn(`replies still open after ${graceMs} ms; closing them`);
    }
    await app.stop(true);
    await close();
  };
  return { url, port: server.port ?? config.port, runtime, streams, pendingRequests: () => server.pendingRequests, stop, [Symbol.asyncDispose]: stop };
}
