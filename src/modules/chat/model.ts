/**
 * @module TypeBox schema of `POST /v1/chat/completions`: strict on what we use, tolerant of every documented
 * parameter we cannot honour (CLIENTS.md §9): UIs always send temperature, top_p and friends.
 */
import { t, type UnwrapSchema } from "elysia";

const TextPart = t.Object({ type: t.Literal("text"), text: t.String() }, { additionalProperties: true });
const ContentPart = t.Object({ type: t.String() }, { additionalProperties: true });
const Content = t.Union([t.String(), t.Array(t.Union([TextPart, ContentPart]))]);

const Message = t.Object(
  {
    role: t.Union([t.Literal("system"), t.Literal("developer"), t.Literal("user"), t.Literal("assistant"), t.Literal("tool")]),
    content: t.Optional(t.Union([Content, t.Null()])),
    name: t.Optional(t.String()),
    tool_calls: t.Optional(t.Array(t.Object({}, { additionalProperties: true }))),
    tool_call_id: t.Optional(t.String()),
  },
  { additionalProperties: true },
);

export const ChatCompletionRequest = t.Object(
  {
    model: t.String({ minLength: 1, description: "An OpenAI model name (gpt-4o, gpt-5, o3, …), a GPT (gpt-4-gizmo-g-…) or an upstream slug" }),
    messages: t.Array(Message, { minItems: 1 }),
    stream: t.Optional(t.Union([t.Boolean(), t.Null()])),
    stream_options: t.Optional(t.Union([t.Object({ include_usage: t.Optional(t.Boolean()) }, { additionalProperties: true }), t.Null()])),
    max_tokens: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
    max_completion_tokens: t.Optional(t.Union([t.Integer({ minimum: 1 }), t.Null()])),
    stop: t.Optional(t.Union([t.String(), t.Array(t.String(), { maxItems: 4 }), t.Null()])),
    n: t.Optional(t.Union([t.Integer({ minimum: 1, maximum: 1 }), t.Null()])),
    /** chat2api extensions: keep a conversation (history) and continue it. */
    history_disabled: t.Optional(t.Boolean()),
    conversation_id: t.Optional(t.String()),
    parent_message_id: t.Optional(t.String()),
    "Chatgpt-Account-Id": t.Optional(t.String()),
  },
  { additionalProperties: true },
);

export type ChatCompletionRequest = UnwrapSchema<typeof ChatCompletionRequest>;
export type ChatRequestMessage = ChatCompletionRequest["messages"][number];
