/**
 * @module `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape: the web engine's table, then the Codex
 * models of the pool's catalogs (the built-in lineup until one is read); `owned_by: "chatgpt-codex"` says which
 * engine answers, and clients ignore it.
 */
import { Elysia, t } from "elysia";
import { ModelNotFoundError } from "../../errors.ts";
import type { ModelRouter } from "../../reply/model-router.ts";
import { listModels, type ModelInfo } from "../../translate/model-names.ts";

/** The Codex lineup carries no dates: every entry reads as listed on 2026-07-09, when the 5.6 family came out. */
const CODEX_LISTED_AT = 1_783_555_200;

async function allModels(router: Pick<ModelRouter, "codexModels">): Promise<ModelInfo[]> {
  const codex = await router.codexModels();
  const web = listModels().filter((model) => !codex.some(({ slug }) => slug === model.id));
  return [...web, ...codex.map(({ slug }) => ({ id: slug, object: "model" as const, created: CODEX_LISTED_AT, owned_by: "chatgpt-codex" }))];
}

const Model = t.Object({ id: t.String(), object: t.Literal("model"), created: t.Integer(), owned_by: t.String() });

export function modelsModule({ router }: { router: Pick<ModelRouter, "codexModels"> }) {
  return new Elysia({ name: "models" })
    .get("/v1/models", async () => ({ object: "list" as const, data: await allModels(router) }), {
      response: t.Object({ object: t.Literal("list"), data: t.Array(Model) }),
      detail: { tags: ["Models"], summary: "List models" },
    })
    .get(
      "/v1/models/:model",
      async ({ params }) => {
        const found = (await allModels(router)).find((model) => model.id === params.model);
        if (!found) throw new ModelNotFoundError(params.model);
        return found;
      },
      { params: t.Object({ model: t.String() }), response: Model, detail: { tags: ["Models"], summary: "Retrieve a model" } },
    );
}
