/**
 * @module The management API of client keys under `/admin/api/keys` (issue 11): list, create (the secret shown
 * once), change settings, rotate, revoke, and usage per day. Behind the admin key like the rest of /admin/api.
 */
import { Elysia, t } from "elysia";
import type { Config } from "../../config.ts";
import { NotFoundError } from "../../errors.ts";
import type { ClientKeys } from "../../keys/key-store-facade.ts";
import { adminGuard } from "./admin-guard.ts";
import { CreateKeyBody, KeyView, KeyWithSecret, UpdateKeyBody, UsageDayView, UsageQuery } from "./keys-model.ts";
import { IdParams } from "./model.ts";

const tags = ["Client keys"];

function found<T>(value: T | null, id: string): T {
  if (value === null) throw new NotFoundError(`No client key has the id ${JSON.stringify(id)}.`, { param: "id", code: "key_not_found" });
  return value;
}

export function keysModule({ keys, config }: { keys: ClientKeys; config: Pick<Config, "adminKey" | "authorizationKeys"> }) {
  return new Elysia({ name: "admin-keys" }).group("/admin/api/keys", (api) =>
    api
      .use(adminGuard({ config, owner: "admin-keys" }))
      .get("", async () => ({ data: await keys.list() }), {
        response: t.Object({ data: t.Array(KeyView) }),
        detail: { tags, summary: "List the client keys (secrets never shown)" },
      })
      .post("", ({ body }) => keys.create(body), {
        body: CreateKeyBody,
        response: KeyWithSecret,
        detail: { tags, summary: "Create a client key: its secret (sk-c2a-…) is in this answer only" },
      })
      .patch("/:id", async ({ params, body }) => found(await keys.update(params.id, body), params.id), {
        params: IdParams,
        body: UpdateKeyBody,
        response: KeyView,
        detail: { tags, summary: "Change a key's name, expiry, models or limits (null removes a limit)" },
      })
      .post("/:id/rotate", async ({ params }) => found(await keys.rotate(params.id), params.id), {
        params: IdParams,
        response: KeyWithSecret,
        detail: { tags, summary: "A new secret for the key (same id, limits and usage); the old secret stops working" },
      })
      .delete("/:id", async ({ params }) => found(await keys.revoke(params.id), params.id), {
        params: IdParams,
        response: KeyView,
        detail: { tags, summary: "Revoke a key: it answers 401 from now on; it stays listed with its usage" },
      })
      .get("/:id/usage", async ({ params, query }) => {
        found(await keys.get(params.id), params.id);
        return { data: await keys.usage(params.id, query.days ?? 7) };
      }, {
        params: IdParams,
        query: UsageQuery,
        response: t.Object({ data: t.Array(UsageDayView) }),
        detail: { tags, summary: "A key's requests and tokens per UTC day, oldest first" },
      }),
  );
}
