/**
 * @module The console's pages: the chat playground at `/` (what chat2api users remember there), the overview at
 * `/console`, the accounts page at `/console/accounts`, the client keys page at `/console/keys`, the request log at
 * `/console/requests`, and their files
 * under `/console/assets/`. The pages hold no secret: the playground calls the
 * public /v1 API with the key typed into it, the keys page the management API with the admin key (see src/web/console).
 */
import { Elysia, t } from "elysia";
import { NotFoundError } from "../../errors.ts";
import { consoleAsset, consolePage } from "../../web/console/assets.ts";

export function homeModule({ prefix, version }: { prefix: string; version: string }) {
  const playground = consolePage("playground", prefix, version);
  const keys = consolePage("keys", prefix, version);
  const overview = consolePage("overview", prefix, version);
  const accounts = consolePage("accounts", prefix, version);
  const requests = consolePage("requests", prefix, version);
  const detail = { hide: true };
  return new Elysia({ name: "home" })
    .get("/", playground, { detail })
    .get("/console", overview, { detail })
    .get("/console/accounts", accounts, { detail })
    .get("/console/keys", keys, { detail })
    .get("/console/requests", requests, { detail })
    .get(
      "/console/assets/:name",
      ({ params }) => {
        const asset = consoleAsset(params.name);
        if (!asset) throw new NotFoundError(`The console has no file ${JSON.stringify(params.name)}.`, { param: "name" });
        return asset;
      },
      { params: t.Object({ name: t.String() }), detail },
    );
}
