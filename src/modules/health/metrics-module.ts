/**
 * @module `GET /metrics`: the Prometheus scrape, behind the management guard (ADMIN_KEY, else an AUTHORIZATION key,
 * else loopback callers only), since it tells how big the pool is and how it fares.
 */
import { Elysia } from "elysia";
import type { Config } from "../../config.ts";
import type { Metrics } from "../../metrics/metrics.ts";
import { readPoolGauges } from "../../metrics/pool-gauges.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/prometheus-text.ts";
import type { Store } from "../../store/store.ts";
import { adminGuard } from "../admin/admin-guard.ts";

export interface MetricsModuleDeps {
  metrics: Pick<Metrics, "render">;
  store: Pick<Store, "listAccounts" | "activeCooldowns">;
  config: Pick<Config, "adminKey" | "authorizationKeys">;
  now?: () => number;
}

export function metricsModule({ metrics, store, config, now = Date.now }: MetricsModuleDeps) {
  return new Elysia({ name: "metrics" }).use(adminGuard({ config, owner: "metrics" })).get(
    "/metrics",
    async () => {
      // a store that does not answer is itself worth a scrape: chat2api_store_up says so
      const pool = await readPoolGauges(store, now()).catch(() => null);
      return new Response(metrics.render(pool), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
    },
    { detail: { tags: ["Health"], summary: "Prometheus metrics (text format 0.0.4); needs the admin key, or loopback when no key is set" } },
  );
}
