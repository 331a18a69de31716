/**
 * @module TypeBox schema of `POST /v1/responses`: strict on what we use, tolerant of every documented parameter we
 * cannot honour (sampling, tools we ignore, `include`, `truncation`…), as for chat completions (CLIENTS.md §9).
 */
import { t, type UnwrapSchema } from "elysia";

const Loose = t.Object({}, { additionalProperties: true });
const Typed = t.Object({ type: t.String() }, { additionalProperties: true });
const nullable = <T extends Parameters<typeof t.Optional>[0]>(schema: T) => t.Optional(t.Union([schema, t.Null()]));

export const CreateResponseRequest = t.Object(
  {
    model: t.String({ minLength: 1, description: "An OpenAI model name (gpt-4o, gpt-5, o3, …), a GPT (gpt-4-gizmo-g-…) or an upstream slug" }),
    /** Item details are checked by the converter, which names the item (`input[1].content[0]`). */
    input: t.Union([t.String(), t.Array(Loose, { minItems: 1 })]),
    instructions: nullable(t.String()),
    stream: nullable(t.Boolean()),
    max_output_tokens: nullable(t.Integer({ minimum: 1 })),
    previous_response_id: nullable(t.String({ minLength: 1 })),
    store: nullable(t.Boolean()),
    metadata: nullable(t.Record(t.String(), t.String())),
    temperature: nullable(t.Number({ minimum: 0, maximum: 2 })),
    top_p: nullable(t.Number({ minimum: 0, maximum: 1 })),
    tools: nullable(t.Array(Typed)),
    tool_choice: nullable(t.Union([t.String(), Typed])),
    parallel_tool_calls: nullable(t.Boolean()),
    text: nullable(Loose),
    reasoning: nullable(Loose),
    include: nullable(t.Array(t.String())),
    truncation: nullable(t.Union([t.Literal("auto"), t.Literal("disabled")])),
    user: t.Optional(t.String()),
    "Chatgpt-Account-Id": t.Optional(t.String()),
  },
  { additionalProperties: true },
);

export type CreateResponseRequest = UnwrapSchema<typeof CreateResponseRequest>;
