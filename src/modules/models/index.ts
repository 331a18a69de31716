/**
 * @module `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's list shape, from the one model table.
 */
import { Elysia, t } from "elysia";
import { ModelNotFoundError } from "../../errors.ts";
import { listModels } from "../../translate/model-names.ts";

const Model = t.Object({ id: t.String(), object: t.Literal("model"), created: t.Integer(), owned_by: t.String() });

export function modelsModule() {
  return new Elysia({ name: "models" })
    .get("/v1/models", () => ({ object: "list" as const, data: listModels() }), {
      response: t.Object({ object: t.Literal("list"), data: t.Array(Model) }),
      detail: { tags: ["Models"], summary: "List models" },
    })
    .get(
      "/v1/models/:model",
      ({ params }) => {
        const found = listModels().find((model) => model.id === params.model);
        if (!found) throw new ModelNotFoundError(params.model);
        return found;
      },
      { params: t.Object({ model: t.String() }), response: Model, detail: { tags: ["Models"], summary: "Retrieve a model" } },
    );
}
