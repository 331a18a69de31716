/**
 * @module `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape: the web engine's table, then the Codex
 * engine's lineup (`owned_by: "chatgpt-codex"` says which engine answers; clients ignore it).
 */
import { Elysia, t } from "elysia";
import { ModelNotFoundError } from "../../errors.ts";
import { CODEX_MODELS } from "../../engines/codex/model-lineup.ts";
import { listModels, type ModelInfo } from "../../translate/model-names.ts";

/** The Codex lineup carries no dates: every entry reads as listed on 2026-07-09, when the 5.6 family came out. */
const CODEX_LISTED_AT = 1_783_555_200;

function allModels(): ModelInfo[] {
  return [...listModels(), ...CODEX_MODELS.map(({ slug }) => ({ id: slug, object: "model" as const, created: CODEX_LISTED_AT, owned_by: "chatgpt-codex" }))];
}

const Model = t.Object({ id: t.String(), object: t.Literal("model"), created: t.Integer(), owned_by: t.String() });

export function modelsModule() {
  return new Elysia({ name: "models" })
    .get("/v1/models", () => ({ object: "list" as const, data: allModels() }), {
      response: t.Object({ object: t.Literal("list"), data: t.Array(Model) }),
      detail: { tags: ["Models"], summary: "List models" },
    })
    .get(
      "/v1/models/:model",
      ({ params }) => {
        const found = allModels().find((model) => model.id === params.model);
        if (!found) throw new ModelNotFoundError(params.model);
        return found;
      },
      { params: t.Object({ model: t.String() }), response: Model, detail: { tags: ["Models"], summary: "Retrieve a model" } },
    );
}
