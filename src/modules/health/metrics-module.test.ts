/**
 * @module GET /metrics through the whole app: requests are counted under their route pattern (API_PREFIX and ids
 * left out), the scrape is guarded like the management API, and the body is Prometheus text.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { Elysia, t } from "elysia";
import { createApp } from "../../app.ts";
import { silentLogger } from "../../logger.ts";
import { createMetrics } from "../../metrics/metrics.ts";
import { createSqliteStore } from "../../store/sqlite.ts";
import type { Store } from "../../store/store.ts";
import { healthModule } from "./index.ts";
import { metricsModule } from "./metrics-module.ts";

const PREFIX = "pfx-s3cret-path";
const ADMIN_KEY = "admin-metrics-0123456789";
const POOL_KEY = "sk-pool-metrics-0123456789";

/** A route with an id in its path, as the admin API has. */
const things = new Elysia({ name: "things" }).get("/v1/things/:id", ({ params }) => ({ id: params.id }), { params: t.Object({ id: t.String() }) });

function buildTestApp(store: Store, keys: { adminKey: string | null; authorizationKeys: string[] }, apiPrefix: string | null = PREFIX) {
  const metrics = createMetrics({ version: "1.2.3" });
  let observed = 0;
  const app = createApp({
    apiPrefix,
    maxBodyBytes: 1024,
    logger: silentLogger,
    version: "1.2.3",
    metrics: {
      observeRequest: (request) => {
        metrics.observeRequest(request);
        observed++;
      },
    },
    modules: [things, healthModule({ ready: async () => true }), metricsModule({ metrics, store, config: keys })],
  });
  /** Resolves once `count` requests were observed: the access hook runs after the response has gone. */
  const observedAtLeast = async (count: number): Promise<void> => {
    for (let turn = 0; observed < count; turn++) {
      if (turn > 1_000) throw new Error(`only ${observed} of ${count} requests observed`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return Object.assign(app, { observedAtLeast });
}

function get(path: string, bearer?: string): Request {
  return new Request(`http://localhost${path}`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
}

let store: Store;
beforeEach(() => {
  store = createSqliteStore({ path: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

describe("with ADMIN_KEY set", () => {
  test.each([
    ["no bearer", undefined, 401],
    ["a wrong key", "not-the-key", 401],
    ["a pool key instead of the admin key", POOL_KEY, 401],
    ["the admin key", ADMIN_KEY, 200],
  ])("a scrape with %s is answered %d", async (_name, bearer, status) => {
    const app = buildTestApp(store, { adminKey: ADMIN_KEY, authorizationKeys: [POOL_KEY] });
    const response = await app.handle(get(`/${PREFIX}/metrics`, bearer));
    expect(response.status).toBe(status);
    if (status !== 200) expect(await response.text()).not.toContain(bearer ?? ADMIN_KEY);
  });

  test("the scrape is Prometheus text 0.0.4 under API_PREFIX, and nowhere without it", async () => {
    const app = buildTestApp(store, { adminKey: ADMIN_KEY, authorizationKeys: [] });
    const scrape = await app.handle(get(`/${PREFIX}/metrics`, ADMIN_KEY));
    expect({ status: scrape.status, type: scrape.headers.get("content-type") }).toEqual({ status: 200, type: "text/plain; version=0.0.4; charset=utf-8" });
    expect((await app.handle(get("/metrics", ADMIN_KEY))).status).toBe(404);
  });

  describe("after a few requests", () => {
    let text = "";
    beforeEach(async () => {
      await store.addAccounts([{ credential: "eyJhbGciOiJSUzI1NiJ9.account-token.sig", kind: "access" }]);
      const app = buildTestApp(store, { adminKey: ADMIN_KEY, authorizationKeys: [POOL_KEY] });
      for (const path of [`/${PREFIX}/v1/things/acct-123`, `/${PREFIX}/v1/things/acct-456`, `/${PREFIX}/healthz`, `/${PREFIX}/no/such/secret-path`, "/not-under-prefix"]) {
        await app.handle(get(path));
      }
      await app.handle(get(`/${PREFIX}/metrics`));
      await app.observedAtLeast(6);
      text = await (await app.handle(get(`/${PREFIX}/metrics`, ADMIN_KEY))).text();
    });

    test.each([
      'chat2api_http_requests_total{method="GET",route="/v1/things/:id",status="200"} 2',
      'chat2api_http_requests_total{method="GET",route="/healthz",status="200"} 1',
      'chat2api_http_requests_total{method="GET",route="unmatched",status="404"} 2',
      'chat2api_http_requests_total{method="GET",route="/metrics",status="401"} 1',
      'chat2api_http_request_duration_seconds_count{method="GET",route="/v1/things/:id"} 2',
      'chat2api_http_request_duration_seconds_bucket{method="GET",route="/v1/things/:id",le="+Inf"} 2',
      'chat2api_accounts{status="active"} 1',
      'chat2api_accounts{status="failed"} 0',
      'chat2api_account_cooldowns{reason="capped"} 0',
      "chat2api_store_up 1",
      'chat2api_upstream_attempts_total{outcome="success"} 0',
    ])("the scrape has the line %s", (line) => {
      expect(text.split("\n")).toContain(line);
    });

    test("no label carries the prefix, an id from a path, or a raw unmatched path", () => {
      expect(["pfx-s3cret-path", "acct-123", "acct-456", "secret-path", "not-under-prefix", "account-token", ADMIN_KEY].filter((secret) => text.includes(secret))).toEqual([]);
    });

    test("the process figures are there and plausible", () => {
      const value = (name: string): number => Number(text.split("\n").find((line) => line.startsWith(`${name} `))?.split(" ")[1]);
      const started = value("process_start_time_seconds");
      expect({
        memory: value("process_resident_memory_bytes") > 0,
        startedInThePast: started > 1_600_000_000 && started <= Date.now() / 1000,
      }).toEqual({ memory: true, startedInThePast: true });
    });
  });
});

test("with AUTHORIZATION keys and no ADMIN_KEY, a pool key may scrape", async () => {
  const app = buildTestApp(store, { adminKey: null, authorizationKeys: [POOL_KEY] }, null);
  expect([(await app.handle(get("/metrics", POOL_KEY))).status, (await app.handle(get("/metrics"))).status]).toEqual([200, 401]);
});

describe("with no key at all", () => {
  test("a caller with no address (not loopback) is refused", async () => {
    const app = buildTestApp(store, { adminKey: null, authorizationKeys: [] }, null);
    expect((await app.handle(get("/metrics"))).status).toBe(403);
  });

  test("a caller on loopback may scrape without a bearer", async () => {
    const app = buildTestApp(store, { adminKey: null, authorizationKeys: [] }, null).listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const response = await fetch(`http://127.0.0.1:${app.server?.port}/metrics`);
      expect({ status: response.status, up: (await response.text()).includes("chat2api_store_up 1") }).toEqual({ status: 200, up: true });
    } finally {
      await app.stop(true);
    }
  });
});

test("a store that fails still gets a scrape, with chat2api_store_up 0 and no pool gauges", async () => {
  const failing = createSqliteStore({ path: ":memory:" });
  await failing.close();
  const app = buildTestApp(failing, { adminKey: ADMIN_KEY, authorizationKeys: [] }, null);
  const response = await app.handle(get("/metrics", ADMIN_KEY));
  const text = await response.text();
  expect({ status: response.status, up: text.includes("chat2api_store_up 0"), accounts: text.includes("chat2api_accounts{") }).toEqual({ status: 200, up: true, accounts: false });
});
