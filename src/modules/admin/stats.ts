/**
 * @module `GET /admin/api/stats` (issue 11): what the console's overview shows — requests, tokens and errors over a
 * range in buckets, latency percentiles, per model, accounts by state and the soonest quota resets. Behind the admin key.
 */
import { Elysia } from "elysia";
import type { Config } from "../../config.ts";
import { adminGuard } from "./admin-guard.ts";
import { StatsQuery, StatsView } from "./stats-model.ts";
import type { StatsService } from "./stats-service.ts";

export function statsModule({ service, config }: { service: StatsService; config: Pick<Config, "adminKey" | "authorizationKeys"> }) {
  return new Elysia({ name: "admin-stats" }).group("/admin/api/stats", (api) =>
    api.use(adminGuard({ config, owner: "admin-stats" })).get("", ({ query }) => service.stats(query.range ?? "24h"), {
      query: StatsQuery,
      response: StatsView,
      detail: { tags: ["Admin"], summary: "Usage over 1 h, 24 h or 7 d from the request log, latency percentiles, per model; accounts by state; soonest quota resets" },
    }),
  );
}
