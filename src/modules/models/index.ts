/**
 * @module `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape: the web engine's table, then the Codex
 * models of the pool's catalogs (the built-in lineup until one is read); `owned_by: "chatgpt-codex"` says which
 * engine answers, and clients ignore it.
 */
import { Elysia, t } from "elysia";
import { ModelNotFoundError } from "../../errors.ts";
import { integer } from "../body-types.ts";
import { jsonResponse, pathParameter } from "../openapi-detail.ts";
import type { ModelRouter } from "../../reply/model-router.ts";
import { listModels, type ModelInfo } from "../../translate/model-names.ts";

/** The Codex lineup carries no dates: every entry reads as listed on 2026-07-09, when the 5.6 family came out. */
const CODEX_LISTED_AT = 1_783_555_200;

async function allModels(router: Pick<ModelRouter, "codexModels">): Promise<ModelInfo[]> {
  const codex = await router.codexModels();
  const web = listModels().filter((model) => !codex.some(({ slug }) => slug === model.id));
  return [...web, ...codex.map(({ slug }) => ({ id: slug, object: "model" as const, created: CODEX_LISTED_AT, owned_by: "chatgpt-codex" }))];
}

// documented, not handed to Elysia, which would compile a validator and a normalizer for each (openapi-detail.ts);
// the handlers' return types hold the replies to them
export const Model = t.Object({ id: t.String(), object: t.Literal("model"), created: integer(), owned_by: t.String() });
type Model = typeof Model.static;
export const ModelList = t.Object({ object: t.Literal("list"), data: t.Array(Model) });
type ModelList = typeof ModelList.static;

export interface ModelsModuleDeps {
  router: Pick<ModelRouter, "codexModels">;
  /**
   * The models the request's bearer may use: null or empty for every model. A client key limited to some models sees
   * only those, as OpenAI lists only what a key may use.
   */
  allowedModels?: (request: Request) => Promise<readonly string[] | null>;
}

async function visibleModels(router: Pick<ModelRouter, "codexModels">, request: Request, allowedModels: ModelsModuleDeps["allowedModels"]): Promise<ModelInfo[]> {
  const all = await allModels(router);
  const allowed = allowedModels ? await allowedModels(request) : null;
  return allowed && allowed.length > 0 ? all.filter((model) => allowed.includes(model.id)) : all;
}

export function modelsModule({ router, allowedModels }: ModelsModuleDeps) {
  return new Elysia({ name: "models" })
    .get("/v1/models", async ({ request }): Promise<ModelList> => ({ object: "list", data: await visibleModels(router, request, allowedModels) }), {
      detail: { tags: ["Models"], summary: "List models", responses: jsonResponse(ModelList, "The models this caller may use") },
    })
    .get(
      "/v1/models/:model",
      async ({ params, request }): Promise<Model> => {
        const found = (await visibleModels(router, request, allowedModels)).find((model) => model.id === params.model);
        if (!found) throw new ModelNotFoundError(params.model);
        return found;
      },
      {
        detail: {
          tags: ["Models"],
          summary: "Retrieve a model",
          parameters: [pathParameter("model", "The model's id, as the list gives it")],
          responses: jsonResponse(Model, "The model"),
        },
      },
    );
}
