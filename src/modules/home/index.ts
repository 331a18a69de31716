/**
 * @module The console's pages: the chat playground at `/` (what chat2api users remember there), the overview at
 * `/console`, the accounts page at `/console/accounts`, the client keys page at `/console/keys`, the request log at
 * `/console/requests`, and their files
 * under `/console/assets/`. The pages hold no secret: the playground calls the
 * public /v1 API with the key typed into it, the keys page the management API with the admin key (see src/web/console).
 */
import { Elysia, t } from "elysia";
import { NotFoundError } from "../../errors.ts";
import type { ConsolePage } from "../../web/console/assets.ts";

type ConsoleFiles = typeof import("../../web/console/assets.ts");

export function homeModule({ prefix, version }: { prefix: string; version: string }) {
  // the console's files are ~140 KB of text and every page is built from them: loaded with the first one asked for,
  // not at start, since a server may never be visited by a browser (issue 12)
  let loading: Promise<{ files: ConsoleFiles; pages: Record<ConsolePage, () => Response> }> | null = null;
  const consoleFiles = () =>
    (loading ??= import("../../web/console/assets.ts").then((files) => {
      const build = (page: ConsolePage) => files.consolePage(page, prefix, version);
      return { files, pages: { playground: build("playground"), keys: build("keys"), overview: build("overview"), accounts: build("accounts"), requests: build("requests") } };
    }));
  const page = (name: ConsolePage) => async () => (await consoleFiles()).pages[name]();
  const detail = { hide: true };
  return new Elysia({ name: "home" })
    .get("/", page("playground"), { detail })
    .get("/console", page("overview"), { detail })
    .get("/console/accounts", page("accounts"), { detail })
    .get("/console/keys", page("keys"), { detail })
    .get("/console/requests", page("requests"), { detail })
    .get(
      "/console/assets/:name",
      async ({ params }) => {
        const asset = (await consoleFiles()).files.consoleAsset(params.name);
        if (!asset) throw new NotFoundError(`The console has no file ${JSON.stringify(params.name)}.`, { param: "name" });
        return asset;
      },
      { params: t.Object({ name: t.String() }), detail },
    );
}
