/**
 * @module The JSON management API under `/admin/api` (accounts, refresh, cooldowns, the request log) and the
 * management page at `/admin`. Everything but the page needs the admin key (see admin-guard.ts).
 */
import { Elysia, t } from "elysia";
import type { Config } from "../../config.ts";
import { adminPageResponse } from "../../web/admin-page.ts";
import { adminGuard } from "./admin-guard.ts";
import { AccountView, AddTokensBody, AddTokensResult, CooldownView, IdParams, RefreshReportView, RefreshResultView } from "./model.ts";
import { requestsModule } from "./requests.ts";
import type { AdminService } from "./service.ts";

const tags = ["Admin"];

export function adminModule({ service, config }: { service: AdminService; config: Pick<Config, "adminKey" | "authorizationKeys"> }) {
  return new Elysia({ name: "admin" })
    .get("/admin", () => adminPageResponse(), { detail: { tags, summary: "Management page (HTML); it asks for the admin key" } })
    .group("/admin/api", (api) =>
      api
        .use(adminGuard({ config, owner: "admin" }))
        .get("/accounts", async () => ({ data: await service.listAccounts() }), {
          response: t.Object({ data: t.Array(AccountView) }),
          detail: { tags, summary: "List the pool's accounts (credentials masked)" },
        })
        .post("/accounts", ({ body }) => service.addTokens(body.tokens), {
          body: AddTokensBody,
          response: AddTokensResult,
          detail: { tags, summary: "Add accounts: one token per line; duplicates are skipped, bad lines summarised" },
        })
        .delete(
          "/accounts/:id",
          async ({ params }) => {
            await service.removeAccount(params.id);
            return { deleted: true as const, id: params.id };
          },
          { params: IdParams, response: t.Object({ deleted: t.Literal(true), id: t.String() }), detail: { tags, summary: "Remove an account" } },
        )
        .post("/accounts/:id/enable", ({ params }) => service.setEnabled(params.id, true), {
          params: IdParams,
          response: AccountView,
          detail: { tags, summary: "Enable an account (also revives a failed one)" },
        })
        .post("/accounts/:id/disable", ({ params }) => service.setEnabled(params.id, false), {
          params: IdParams,
          response: AccountView,
          detail: { tags, summary: "Disable an account: it is kept but never leased" },
        })
        .post("/accounts/:id/refresh", ({ params }) => service.refreshAccount(params.id), {
          params: IdParams,
          response: RefreshResultView,
          detail: { tags, summary: "Refresh an account's access token now (forced)" },
        })
        .post("/refresh", () => service.refreshAll(), {
          response: RefreshReportView,
          detail: { tags, summary: "Refresh every account with a refresh token now (forced); joins a run already going" },
        })
        .get("/cooldowns", async () => ({ data: await service.cooldowns() }), {
          response: t.Object({ data: t.Array(CooldownView) }),
          detail: { tags, summary: "Accounts and own tokens resting after a usage cap or a block" },
        })
        .delete("/cooldowns/:id", async ({ params }) => ({ cleared: await service.clearCooldowns(params.id) }), {
          params: IdParams,
          response: t.Object({ cleared: t.Number() }),
          detail: { tags, summary: "End the cooldowns of an account (or at:<digest> subject) now" },
        }),
    )
    .use(requestsModule({ requests: service.requests, config }));
}
