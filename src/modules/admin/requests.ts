/**
 * @module The request log's management API (issue 11): `GET /admin/api/requests` (filtered, newest first, paged by
 * cursor) and `GET /admin/api/requests.csv` (the same filters as a CSV download). Behind the admin key.
 */
import { Elysia } from "elysia";
import type { Config } from "../../config.ts";
import { adminGuard } from "./admin-guard.ts";
import { CsvQuery, RequestsPage, RequestsQuery } from "./requests-model.ts";
import { requestsCsv, type RequestsService } from "./requests-service.ts";

const tags = ["Admin"];

export function requestsModule({ requests, config }: { requests: RequestsService; config: Pick<Config, "adminKey" | "authorizationKeys"> }) {
  return new Elysia({ name: "admin-requests" }).group("/admin/api", (api) =>
    api
      .use(adminGuard({ config, owner: "admin-requests" }))
      .get("/requests", ({ query }) => requests.list(query), {
        query: RequestsQuery,
        response: RequestsPage,
        detail: {
          tags,
          summary: "The request log, newest first: every request, failed ones too, with its request id and upstream attempts; filter by key, account, model, status, engine, time",
        },
      })
      .get(
        "/requests.csv",
        async ({ query }) => {
          const page = await requests.list(query, 1000);
          return new Response(requestsCsv(page.data), {
            headers: {
              "content-type": "text/csv; charset=utf-8",
              "content-disposition": 'attachment; filename="chat2api-requests.csv"',
              "cache-control": "no-store",
            },
          });
        },
        { query: CsvQuery, detail: { tags, summary: "The request log as CSV (same filters; 1000 rows by default, up to 10 000)" } },
      ),
  );
}
