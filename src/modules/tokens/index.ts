/**
 * @module chat2api's token routes (upstream.md §9.1), kept for migrating users: the page, upload, clear, error
 * list and add-one, with chat2api's JSON shapes. They now need the admin key; tokens are never echoed. State changes
 * only by POST, except add-one, a GET kept for chat2api users but only for a caller holding a key.
 */
import { Elysia, t } from "elysia";
import type { Config } from "../../config.ts";
import { adminPageResponse } from "../../web/admin-page.ts";
import { PermissionDeniedError } from "../../errors.ts";
import { adminGuard, hasManagementKey } from "../admin/admin-guard.ts";
import type { AdminService } from "../admin/service.ts";

const tags = ["Tokens"];

const TokensCount = t.Object({
  status: t.Literal("success"),
  tokens_count: t.Number(),
  added: t.Optional(t.Number()),
  duplicates: t.Optional(t.Number()),
  rejected: t.Optional(t.Number()),
  summary: t.Optional(t.Nullable(t.String())),
});

export function tokensModule({ service, config }: { service: AdminService; config: Pick<Config, "adminKey" | "authorizationKeys"> }) {
  const upload = async (text: string) => {
    const result = await service.addTokens(text);
    return {
      status: "success" as const,
      tokens_count: result.tokensCount,
      added: result.added,
      duplicates: result.duplicates,
      rejected: result.rejected,
      summary: result.summary,
    };
  };
  return new Elysia({ name: "tokens" })
    .get("/tokens", () => adminPageResponse(), { detail: { tags, summary: "Management page (HTML); it asks for the admin key" } })
    .use(adminGuard({ config, owner: "tokens" }))
    .post("/tokens/upload", ({ body }) => upload(body.text ?? ""), {
      body: t.Object({ text: t.Optional(t.String()) }),
      response: TokensCount,
      detail: { tags, summary: "Add tokens: form field `text`, one per line, # comments" },
    })
    .post("/tokens/clear", async () => {
      await service.clearAccounts();
      return { status: "success" as const, tokens_count: 0 };
    }, { response: TokensCount, detail: { tags, summary: "Remove every account" } })
    .post("/tokens/error", async () => ({ status: "success" as const, error_tokens: await service.errorTokens() }), {
      response: t.Object({ status: t.Literal("success"), error_tokens: t.Array(t.String()) }),
      detail: { tags, summary: "Failed accounts (masked)" },
    })
    .get("/tokens/add/:token", ({ params }) => upload(params.token), {
      params: t.Object({ token: t.String() }),
      response: TokensCount,
      // a GET that changes state is one an <img> or a link can trigger: only a caller holding the key may use it
      beforeHandle() {
        if (!hasManagementKey(config)) {
          throw new PermissionDeniedError(
            "GET /tokens/add/{token} works only with a key (ADMIN_KEY or AUTHORIZATION, sent as Authorization: Bearer). Without one, add tokens with POST /tokens/upload.",
          );
        }
      },
      detail: { tags, summary: "Add one token (only with ADMIN_KEY or an AUTHORIZATION key: a GET that changes state)" },
    });
}
