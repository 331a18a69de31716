/**
 * @module The Responses API service: `instructions` + `input` become chat messages for the shared reply service,
 * and the reply is written as one `response` or as a stream of Responses events. With history on, response ids
 * carry the upstream conversation, so `previous_response_id` continues it. For a web model, function and custom
 * tools, `tool_choice` and `text.format` are served by the prompt (tool-calls.md; hosted tools are left out); with
 * TOOLS_PREFER_CODEX a request with tools may go to the Codex engine instead.
 */
import { pullThrough } from "../../streams/pull-through.ts";
import type { Tool } from "openai/resources/responses/responses";
import { ApiError, InvalidRequestError } from "../../errors.ts";
import type { RenderedDelta } from "../../translate/rendered-delta.ts";
import { responsesInput, toInputParam } from "../../translate/responses-input.ts";
import { toResponse } from "../../translate/to-response.ts";
import { type ResponseBuilderOptions, type ResponseEvent, type ResponseFields, toResponsesEvents, type WireResponse } from "../../translate/to-responses-events.ts";
import type { Reply, ReplyContext, ReplyService } from "../../reply/reply-service.ts";
import { secretDigest } from "../../pool/token-kind.ts";
import { ContinuationMemory } from "./continuation-memory.ts";
import { ItemMemory } from "./item-memory.ts";
import type { CreateResponseRequest } from "./model.ts";
import { decodeResponseId, encodeResponseId, randomResponseId, type UpstreamPlace } from "./response-id.ts";
import { apiErrorOf } from "../../reply/api-error-of.ts";
import { responseModelName } from "../../reply/served-model.ts";
import { checkReasoningEffort } from "../../translate/thinking-effort.ts";
import { responsesTextFormat } from "../../translate/response-format/read-response-format.ts";
import { responsesToolPlan } from "../../translate/tool-prompt/tool-plan.ts";

/** `upstreamModel`: the slug the upstream says answered (for `x-chat2api-upstream-model`), when it said one. */
export type ResponsesResult =
  | { type: "json"; body: WireResponse; upstreamModel: string | null }
  | { type: "stream"; events: ReadableStream<ResponseEvent>; upstreamModel: string | null };

export interface ResponsesServiceOptions {
  now?: () => number;
  memory?: ContinuationMemory;
}

function itemId(kind: "msg" | "rs"): string {
  return `${kind}_${crypto.randomUUID().replaceAll("-", "")}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** The chat path names `messages[2].content[1]`; the client sent `input[1].content[1]`. */
function inInputTerms(thrown: unknown, origins: readonly string[]): unknown {
  const error = apiErrorOf(thrown);
  if (!(error instanceof ApiError) || !error.param?.startsWith("messages[")) return error;
  const param = toInputParam(error.param, origins);
  return new ApiError(error.status, error.type, error.message.replaceAll(error.param, param), {
    param,
    code: error.code,
    headers: error.headers,
    cause: error,
  });
}

/** A conversation the caller may not continue is, in this API, a previous response that does not exist. */
function inResponseTerms(thrown: unknown, previousId: string | null | undefined): unknown {
  const error = apiErrorOf(thrown);
  if (!previousId || !(error instanceof ApiError) || error.code !== "conversation_not_found") return error;
  return new ApiError(error.status, error.type, `Previous response with id '${previousId}' not found.`, {
    param: "previous_response_id",
    code: "previous_response_not_found",
    cause: error,
  });
}

/** Follows `start`/`message-id` deltas: the place a follow-up turn continues from. */
function placeTracker() {
  let conversationId: string | null = null;
  let messageId: string | null = null;
  return {
    see(delta: RenderedDelta): void {
      if (delta.type !== "start" && delta.type !== "message-id") return;
      conversationId = delta.conversationId ?? conversationId;
      if (delta.messageId) messageId = delta.messageId;
    },
    place: (): UpstreamPlace | null => (conversationId && messageId ? { conversationId, messageId } : null),
  };
}

/**
 * The deltas with a failure after the start turned into a `failed` delta, so the stream ends in Responses events
 * (`error`, `response.failed`) rather than a cut; `see` watches every delta on its way.
 */
function observed(deltas: ReadableStream<RenderedDelta>, see: (delta: RenderedDelta) => void): ReadableStream<RenderedDelta> {
  const reader = deltas.getReader();
  return new ReadableStream<RenderedDelta>({
    async pull(controller) {
      let delta: RenderedDelta;
      try {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        delta = value;
      } catch (error) {
        delta = { type: "failed", message: error instanceof ApiError ? error.message : "the stream broke" };
      }
      see(delta);
      controller.enqueue(delta);
      if (delta.type === "failed") controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export class ResponsesService {
  private readonly now: () => number;
  private readonly memory: ContinuationMemory;
  private readonly items = new ItemMemory();

  constructor(
    private readonly replies: ReplyService,
    options: ResponsesServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.memory = options.memory ?? new ContinuationMemory();
  }

  async create(request: CreateResponseRequest, context: ReplyContext): Promise<ResponsesResult> {
    // a Codex model calls functions natively and keeps no conversation upstream: its request passes through
    if ((await this.replies.engineFor(request.model)) === "codex") return this.codexResponse(request, context);
    const tools = responsesToolPlan(request);
    const format = responsesTextFormat(request.text?.format);
    const codexModel = tools.tools.length > 0 ? await this.replies.codexModelForTools(context) : null;
    if (codexModel) return this.codexResponse({ ...request, model: codexModel }, context);
    const { messages, origins } = responsesInput(request.input, request.instructions);
    const previous = request.previous_response_id ? this.continuationOf(request.previous_response_id) : null;
    const maxTokens = request.max_output_tokens ?? undefined;
    // store:false asks for nothing kept (a temporary chat); a continued conversation is already kept
    const historyDisabled = request.store === false ? true : previous ? false : undefined;
    const reasoningEffort = checkReasoningEffort(request.reasoning?.effort, "reasoning.effort");
    const reply = await this.replies
      .reply(
        {
          model: request.model,
          messages,
          ...(tools.tools.length > 0 ? { tools } : {}),
          ...(format.type !== "text" ? { responseFormat: { format, schemaParam: "text.format.schema" } } : {}),
          ...(reasoningEffort ? { reasoningEffort } : {}),
          ...(maxTokens ? { maxTokens } : {}),
          ...(historyDisabled !== undefined ? { historyDisabled } : {}),
          ...(previous ?? {}),
        },
        context,
      )
      .catch((error: unknown) => {
        throw inInputTerms(inResponseTerms(error, request.previous_response_id), origins);
      });

    return this.write(request, reply);
  }

  /** A Codex-engine response: earlier items referenced by id are put back, and this response's items kept for later. */
  private async codexResponse(request: CreateResponseRequest, context: ReplyContext): Promise<ResponsesResult> {
    const owner = secretDigest(context.bearer ?? "anonymous").slice(0, 32);
    const input = this.items.resolve(owner, request.input) as CreateResponseRequest["input"];
    const result = await this.write(request, await this.replies.codexReply({ api: "responses", body: { ...request, input } }, context));
    if (result.type === "json") {
      this.items.remember(owner, result.body.output);
      return result;
    }
    const events = pullThrough<ResponseEvent, ResponseEvent>(result.events, {
      transform: (event, controller) => {
        if (event.type === "response.completed") this.items.remember(owner, event.response.output);
        controller.enqueue(event);
      },
    });
    return { type: "stream", events, upstreamModel: result.upstreamModel };
  }

  /** The reply as one response or as a stream of Responses events. */
  private async write(request: CreateResponseRequest, reply: Reply): Promise<ResponsesResult> {
    const served = (): string | null => reply.upstreamModel?.() ?? null;
    // the model named is the one that answered: a stream names the one known when it begins, a response the last word
    const base = () =>
      ({
        createdAt: Math.floor(this.now() / 1000),
        now: () => Math.floor(this.now() / 1000),
        model: responseModelName(reply.model, served()),
        promptTokens: reply.promptTokens,
        newItemId: itemId,
        fields: this.fieldsOf(request),
      }) satisfies Omit<ResponseBuilderOptions, "idFor">;
    const idOf = (place: UpstreamPlace | null): string => (place && !reply.historyDisabled ? encodeResponseId(place) : randomResponseId());
    const tracker = placeTracker();

    if (!request.stream) {
      const deltas = await Array.fromAsync(reply.deltas as unknown as AsyncIterable<RenderedDelta>);
      for (const delta of deltas) tracker.see(delta);
      // the whole reply is known: the id can name its last message directly
      const id = idOf(tracker.place());
      return { type: "json", body: toResponse(deltas, { ...base(), idFor: () => id }), upstreamModel: served() };
    }
    let id: string | null = null;
    const see = (delta: RenderedDelta): void => {
      tracker.see(delta);
      id ??= idOf(tracker.place());
      const last = tracker.place();
      if (delta.type === "finish" && last && !reply.historyDisabled) this.memory.remember(id, last.messageId);
    };
    const events = pullThrough(observed(reply.deltas, see), toResponsesEvents({ ...base(), idFor: () => id ?? randomResponseId() }));
    return { type: "stream", events, upstreamModel: served() };
  }

  private continuationOf(previousId: string): { conversationId: string; parentMessageId: string } {
    const place = decodeResponseId(previousId);
    if (!place) {
      throw new InvalidRequestError(
        `Previous response with id '${previousId}' not found. Only responses created with history on (HISTORY_DISABLED=false, store not false) can be continued.`,
        { param: "previous_response_id", code: "previous_response_not_found" },
      );
    }
    return { conversationId: place.conversationId, parentMessageId: this.memory.recall(previousId) ?? place.messageId };
  }

  /** What the response echoes, with the API's defaults for what the request left out. */
  private fieldsOf(request: CreateResponseRequest): ResponseFields {
    return {
      instructions: request.instructions ?? null,
      // echoed as sent, like the real API (hosted tools among them were accepted and not used)
      tools: (request.tools ?? []) as unknown as Tool[],
      tool_choice: (request.tool_choice ?? "auto") as ResponseFields["tool_choice"],
      temperature: request.temperature ?? 1,
      top_p: request.top_p ?? 1,
      parallel_tool_calls: request.parallel_tool_calls ?? true,
      metadata: request.metadata ?? {},
      max_output_tokens: request.max_output_tokens ?? null,
      previous_response_id: request.previous_response_id ?? null,
      reasoning: (request.reasoning ?? null) as ResponseFields["reasoning"],
      text: (request.text ?? { format: { type: "text" } }) as ResponseFields["text"],
      truncation: request.truncation ?? "disabled",
      background: false,
      ...(request.user !== undefined ? { user: request.user } : {}),
    };
  }
}
