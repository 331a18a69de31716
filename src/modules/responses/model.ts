/**
 * @module TypeBox schema of `POST /v1/responses`: strict on what we use, tolerant of every documented parameter we
 * cannot honour (sampling, tools we ignore, `include`, `truncation`…) as long as it is well typed, as for chat
 * completions (CLIENTS.md §9). Input items are checked by the converter (`responses-input.ts`), which names them.
 */
import { t, type UnwrapSchema } from "elysia";
import { integer, nullable, open } from "../body-types.ts";

const Loose = t.Object({}, open);
const Typed = t.Object({ type: t.String() }, open);

export const CreateResponseRequest = t.Object(
  {
    model: t.String({ minLength: 1, description: "An OpenAI model name (gpt-4o, gpt-5, o3, …), a GPT (gpt-4-gizmo-g-…) or an upstream slug" }),
    /** Item details are checked by the converter, which names the item (`input[1].content[0]`). */
    input: t.Union([t.String(), t.Array(Loose, { minItems: 1 })]),
    instructions: nullable(t.String()),
    stream: nullable(t.Boolean()),
    stream_options: nullable(t.Object({ include_obfuscation: t.Optional(t.Boolean()) }, open)),
    max_output_tokens: nullable(integer({ minimum: 1 })),
    previous_response_id: nullable(t.String({ minLength: 1 })),
    store: nullable(t.Boolean()),
    metadata: nullable(t.Record(t.String(), t.String())),
    temperature: nullable(t.Number({ minimum: 0, maximum: 2 })),
    top_p: nullable(t.Number({ minimum: 0, maximum: 1 })),
    top_logprobs: nullable(integer({ minimum: 0, maximum: 20 })),
    tools: nullable(t.Array(Typed)),
    tool_choice: nullable(t.Union([t.Literal("none"), t.Literal("auto"), t.Literal("required"), Typed])),
    parallel_tool_calls: nullable(t.Boolean()),
    max_tool_calls: nullable(integer({ minimum: 1 })),
    text: nullable(t.Object({ format: t.Optional(Typed), verbosity: nullable(t.String()) }, open)),
    reasoning: nullable(t.Object({ effort: nullable(t.String()), summary: nullable(t.String()), generate_summary: nullable(t.String()) }, open)),
    include: nullable(t.Array(t.String())),
    truncation: nullable(t.Union([t.Literal("auto"), t.Literal("disabled")])),
    background: nullable(t.Boolean()),
    service_tier: nullable(t.String()),
    prompt: nullable(t.Object({ id: t.String() }, open)),
    conversation: nullable(t.Union([t.String(), t.Object({ id: t.String() }, open)])),
    prompt_cache_key: nullable(t.String()),
    safety_identifier: nullable(t.String()),
    user: t.Optional(t.String()),
    "Chatgpt-Account-Id": t.Optional(t.String()),
  },
  open,
);

export type CreateResponseRequest = UnwrapSchema<typeof CreateResponseRequest>;
