/**
 * @module The chat completions service: one reply from the reply service, written as OpenAI's `chat.completion` or
 * as a stream of `chat.completion.chunk`s (with chat2api's `conversation_id`/`message_id` when history is on). For a
 * web model, `tools`/`tool_choice`/`functions` and `response_format` are read here and served by the prompt
 * (tool-calls.md); with TOOLS_PREFER_CODEX a request with tools may go to the Codex engine instead.
 */
import { pullThrough } from "../../streams/pull-through.ts";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { InvalidRequestError } from "../../errors.ts";
import type { RenderedDelta } from "../../translate/render-events.ts";
import { type ChatChunkEvent, toChatChunks } from "../../translate/to-chat-chunks.ts";
import { toChatCompletion } from "../../translate/to-chat-completion.ts";
import type { ChatCompletionRequest } from "./model.ts";
import type { ReplyContext, ReplyService } from "../../reply/reply-service.ts";
import { responseModelName } from "../../reply/served-model.ts";
import { checkReasoningEffort } from "../../translate/thinking-effort.ts";
import { chatResponseFormat } from "../../translate/response-format/read-response-format.ts";
import { chatToolPlan } from "../../translate/tool-prompt/tool-plan.ts";
import { legacyChunks, legacyCompletion, wantsLegacyFunctionCall } from "./legacy-function-call.ts";

/** `upstreamModel`: the slug the upstream says answered (for `x-chat2api-upstream-model`), when it said one. */
export type ChatResult =
  | { type: "json"; body: ChatCompletion; upstreamModel: string | null }
  | { type: "stream"; chunks: ReadableStream<ChatChunkEvent>; upstreamModel: string | null };

function completionId(): string {
  return `chatcmpl-${crypto.randomUUID().replaceAll("-", "").slice(0, 29)}`;
}

/** Follows `start`/`message-id` deltas: what chat2api adds to each chunk when history is kept. */
function historyTracker(historyDisabled: boolean) {
  let conversationId: string | null = null;
  let messageId: string | null = null;
  return (delta?: RenderedDelta): Record<string, unknown> => {
    if (delta && (delta.type === "start" || delta.type === "message-id")) {
      conversationId = delta.conversationId;
      if (delta.messageId) messageId = delta.messageId;
    }
    return historyDisabled ? {} : { conversation_id: conversationId, message_id: messageId };
  };
}

export class ChatService {
  constructor(
    private readonly replies: ReplyService,
    private readonly now: () => number = Date.now,
  ) {}

  async complete(request: ChatCompletionRequest, context: ReplyContext): Promise<ChatResult> {
    if (request.n != null && request.n > 1) {
      throw new InvalidRequestError(`Only one choice is supported: 'n' must be 1 (got ${request.n}); ask again for another answer.`, { param: "n", code: "unsupported_value" });
    }
    const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
    const stop = typeof request.stop === "string" ? [request.stop] : (request.stop ?? undefined);
    const web = (await this.replies.engineFor(request.model)) === "web";
    // read only for the web engine: the Codex engine takes the request's own tools and format natively
    // deprecated `functions`: one call, answered as `function_call` (the Codex engine takes no `functions`)
    const legacy = web && wantsLegacyFunctionCall(request);
    const plan = web ? chatToolPlan(request) : null;
    const tools = plan && legacy ? { ...plan, parallel: false } : plan;
    const format = web ? chatResponseFormat(request.response_format) : null;
    const codexModel = !web ? request.model : tools && tools.tools.length > 0 && !legacy ? await this.replies.codexModelForTools(context) : null;
    const reasoningEffort = codexModel ? null : checkReasoningEffort(request.reasoning_effort, "reasoning_effort");
    const reply = codexModel
      ? await this.replies.codexReply({ api: "chat", body: { ...request, model: codexModel } }, context)
      : await this.replies.reply(
      {
        model: request.model,
        messages: request.messages,
        ...(tools && tools.tools.length > 0 ? { tools } : {}),
        ...(format && format.type !== "text" ? { responseFormat: { format, schemaParam: "response_format.json_schema.schema" } } : {}),
        ...(reasoningEffort ? { reasoningEffort } : {}),
        ...(maxTokens ? { maxTokens } : {}),
        ...(stop ? { stop } : {}),
        ...(request.history_disabled !== undefined ? { historyDisabled: request.history_disabled } : {}),
        ...(request.conversation_id ? { conversationId: request.conversation_id } : {}),
        ...(request.parent_message_id ? { parentMessageId: request.parent_message_id } : {}),
      },
      context,
    );
    const id = completionId();
    const created = Math.floor(this.now() / 1000);
    const history = historyTracker(reply.historyDisabled);
    const served = (): string | null => reply.upstreamModel?.() ?? null;
    // the model named is the one that answered: a stream names the one known when it begins, a completion the last word
    const common = () => ({ id, created, model: responseModelName(reply.model, served()), promptTokens: reply.promptTokens });

    if (!request.stream) {
      const deltas = await Array.fromAsync(reply.deltas as unknown as AsyncIterable<RenderedDelta>);
      for (const delta of deltas) history(delta);
      // a reply that failed after it began is a 502 here: there is no stream to carry an error event
      const completion = toChatCompletion(deltas, common());
      const body = { ...completion, ...history() } as ChatCompletion;
      return { type: "json", body: legacy ? legacyCompletion(body) : body, upstreamModel: served() };
    }
    const chunks = pullThrough(
      reply.deltas,
      toChatChunks({ ...common(), includeUsage: request.stream_options?.include_usage === true, extra: history }),
    );
    return { type: "stream", chunks: legacy ? pullThrough(chunks, legacyChunks()) : chunks, upstreamModel: served() };
  }
}
