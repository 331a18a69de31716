/**
 * @module TypeBox schema of `POST /v1/chat/completions`: every message role and content part shaped as OpenAI's spec
 * defines it (`ChatCompletionRequestMessage`), so whatever passes is something the translators handle; every
 * documented parameter we cannot honour (temperature, seed, logprobs…) is accepted when well typed and ignored
 * (CLIENTS.md §9): UIs always send them. Objects stay open to fields a newer spec adds.
 */
import { t, type TSchema, type UnwrapSchema } from "elysia";
import { integer, nullable, open } from "../body-types.ts";

const nonEmptyArray = <T extends TSchema>(item: T) => t.Array(item, { minItems: 1 });
const oneOf = (...values: string[]) => t.Union(values.map((value) => t.Literal(value)));

const TextPart = t.Object({ type: t.Literal("text"), text: t.String() }, open);
const RefusalPart = t.Object({ type: t.Literal("refusal"), refusal: t.String() }, open);
const ImagePart = t.Object(
  { type: t.Literal("image_url"), image_url: t.Object({ url: t.String({ minLength: 1 }), detail: t.Optional(oneOf("auto", "low", "high")) }, open) },
  open,
);
/** Accepted by shape, refused by the media step with a message saying why (no audio upstream). */
const AudioPart = t.Object({ type: t.Literal("input_audio"), input_audio: t.Object({ data: t.String(), format: t.String() }, open) }, open);
/** The spec makes every field optional; the media step says which one it needs (file_data). */
const FilePart = t.Object(
  { type: t.Literal("file"), file: t.Object({ file_data: t.Optional(t.String()), file_id: t.Optional(t.String()), filename: t.Optional(t.String()) }, open) },
  open,
);

const TextContent = t.Union([t.String(), nonEmptyArray(TextPart)]);
const name = t.Optional(t.String());

const FunctionToolCall = t.Object(
  { id: t.String(), type: t.Literal("function"), function: t.Object({ name: t.String(), arguments: t.String() }, open) },
  open,
);
const CustomToolCall = t.Object({ id: t.String(), type: t.Literal("custom"), custom: t.Object({ name: t.String(), input: t.String() }, open) }, open);

const SystemMessage = t.Object({ role: t.Literal("system"), content: TextContent, name }, open);
const DeveloperMessage = t.Object({ role: t.Literal("developer"), content: TextContent, name }, open);
const UserMessage = t.Object(
  { role: t.Literal("user"), content: t.Union([t.String(), nonEmptyArray(t.Union([TextPart, ImagePart, AudioPart, FilePart]))]), name },
  open,
);
const AssistantMessage = t.Object(
  {
    role: t.Literal("assistant"),
    // null or absent when the turn only called tools
    content: nullable(t.Union([t.String(), nonEmptyArray(t.Union([TextPart, RefusalPart]))])),
    refusal: nullable(t.String()),
    name,
    audio: nullable(t.Object({ id: t.String() }, open)),
    tool_calls: nullable(t.Array(t.Union([FunctionToolCall, CustomToolCall]))),
    function_call: nullable(t.Object({ name: t.String(), arguments: t.String() }, open)),
  },
  open,
);
const ToolMessage = t.Object({ role: t.Literal("tool"), content: TextContent, tool_call_id: t.String() }, open);
/** Deprecated by the spec, still sent by old clients. */
const FunctionMessage = t.Object({ role: t.Literal("function"), content: t.Union([t.String(), t.Null()]), name: t.String() }, open);

const Message = t.Union([SystemMessage, DeveloperMessage, UserMessage, AssistantMessage, ToolMessage, FunctionMessage]);

const FunctionTool = t.Object({ type: t.Literal("function"), function: t.Object({ name: t.String() }, open) }, open);
const CustomTool = t.Object({ type: t.Literal("custom"), custom: t.Object({ name: t.String() }, open) }, open);
const ToolChoice = t.Union([
  oneOf("none", "auto", "required"),
  t.Object({ type: t.Literal("function"), function: t.Object({ name: t.String() }, open) }, open),
  t.Object({ type: t.Literal("custom"), custom: t.Object({ name: t.String() }, open) }, open),
  t.Object({ type: t.Literal("allowed_tools"), allowed_tools: t.Object({ mode: t.String(), tools: t.Array(t.Object({}, open)) }, open) }, open),
]);
const ResponseFormat = t.Union([
  t.Object({ type: t.Literal("text") }, open),
  t.Object({ type: t.Literal("json_object") }, open),
  t.Object({ type: t.Literal("json_schema"), json_schema: t.Object({ name: t.String() }, open) }, open),
]);

export const ChatCompletionRequest = t.Object(
  {
    model: t.String({ minLength: 1, description: "An OpenAI model name (gpt-4o, gpt-5, o3, …), a GPT (gpt-4-gizmo-g-…) or an upstream slug" }),
    messages: t.Array(Message, { minItems: 1 }),
    stream: nullable(t.Boolean()),
    stream_options: nullable(t.Object({ include_usage: t.Optional(t.Boolean()), include_obfuscation: t.Optional(t.Boolean()) }, open)),
    max_tokens: nullable(integer({ minimum: 1 })),
    max_completion_tokens: nullable(integer({ minimum: 1 })),
    stop: t.Optional(t.Union([t.String(), t.Array(t.String(), { maxItems: 4 }), t.Null()])),
    /** More than 1 is refused by the service with a message saying why (one choice per upstream turn). */
    n: nullable(integer({ minimum: 1 })),
    /** Accepted and ignored: the ChatGPT web app has no sampling settings. */
    temperature: nullable(t.Number({ minimum: 0, maximum: 2 })),
    top_p: nullable(t.Number({ minimum: 0, maximum: 1 })),
    presence_penalty: nullable(t.Number({ minimum: -2, maximum: 2 })),
    frequency_penalty: nullable(t.Number({ minimum: -2, maximum: 2 })),
    seed: nullable(integer()),
    logit_bias: nullable(t.Record(t.String(), t.Number())),
    logprobs: nullable(t.Boolean()),
    top_logprobs: nullable(integer({ minimum: 0, maximum: 20 })),
    /** Web models: described in the prompt and parsed from the reply (tool-calls.md); Codex models: native. */
    tools: nullable(t.Array(t.Union([FunctionTool, CustomTool]))),
    tool_choice: nullable(ToolChoice),
    parallel_tool_calls: nullable(t.Boolean()),
    functions: nullable(t.Array(t.Object({ name: t.String() }, open))),
    function_call: nullable(t.Union([oneOf("none", "auto"), t.Object({ name: t.String() }, open)])),
    response_format: nullable(ResponseFormat),
    reasoning_effort: nullable(t.String()),
    verbosity: nullable(t.String()),
    metadata: nullable(t.Record(t.String(), t.String())),
    store: nullable(t.Boolean()),
    service_tier: nullable(t.String()),
    user: nullable(t.String()),
    safety_identifier: nullable(t.String()),
    prompt_cache_key: nullable(t.String()),
    modalities: nullable(t.Array(t.String())),
    audio: nullable(t.Object({}, open)),
    prediction: nullable(t.Object({ type: t.String() }, open)),
    web_search_options: nullable(t.Object({}, open)),
    /** chat2api extensions: keep a conversation (history) and continue it. */
    history_disabled: t.Optional(t.Boolean()),
    conversation_id: t.Optional(t.String()),
    parent_message_id: t.Optional(t.String()),
    "Chatgpt-Account-Id": t.Optional(t.String()),
  },
  open,
);

export type ChatCompletionRequest = UnwrapSchema<typeof ChatCompletionRequest>;
export type ChatRequestMessage = ChatCompletionRequest["messages"][number];
