/**
 * @module The reply service, shared by every OpenAI-shaped endpoint: resolves the caller and the model, plans the
 * turn, hands it to the engine that serves the model (the web conversation, or the Codex backend for Codex models;
 * see engine.ts), and hands back the rendered deltas of a reply whose first event is already known, so a failure
 * before the first byte gets its real status. The request log is written when the deltas end, however they end.
 */
import { pullThrough } from "../streams/pull-through.ts";
import type { Config } from "../config.ts";
import { ModelNotFoundError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { CodexFetch } from "../engines/codex/connection.ts";
import type { UpstreamClient } from "../engines/web/client.ts";
import type { UpstreamSession } from "../engines/web/session.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { AttemptOutcome } from "../pool/attempt-outcome.ts";
import type { AssetLinks } from "./asset-links.ts";
import type { CodexCatalogs } from "../pool/codex-catalogs.ts";
import { mayServeCodex } from "../pool/quota-scheduling.ts";
import type { Caller, CallerResolver } from "../pool/resolve-caller.ts";
import { secretDigest } from "../pool/token-kind.ts";
import type { RequestAttempt, Store } from "../store/store.ts";
import { limitOutput } from "../translate/limit-output.ts";
import { resolveModel, type ResolvedModel } from "../translate/model-names.ts";
import { UnknownModelError } from "../translate/translate-errors.ts";
import type { RenderedDelta } from "../translate/render-events.ts";
import { ReplyTokens } from "../translate/reply-tokens.ts";
import { replyChecker } from "../translate/response-format/check-reply.ts";
import { responseFormatInstructions } from "../translate/response-format/format-instructions.ts";
import type { ResponseFormat } from "../translate/response-format/read-response-format.ts";
import { toolInstructions } from "../translate/tool-prompt/tool-instructions.ts";
import type { ToolPlan } from "../translate/tool-prompt/tool-plan.ts";
import { toolCallStream } from "../translate/tool-stream/tool-call-stream.ts";
import { buildUsage } from "../translate/usage.ts";
import { AccountModels } from "./account-models.ts";
import { type CodexRequest, CodexReplies } from "./codex-replies.ts";
import { ConversationOwners } from "./conversation-owners.ts";
import { type ConversationRequest, planConversation } from "./conversation-plan.ts";
import { type EngineName, ModelRouter } from "./model-router.ts";
import { errorOfEnd, logFinishedReply, logRefusedRequest } from "./request-log.ts";
import { structuredReply } from "./structured-reply.ts";
import { watchReply } from "./watch-reply.ts";
import { isUpstreamError, toApiError } from "./upstream-failure.ts";
import { WebEngine } from "./web-engine.ts";

export interface ReplyServiceDeps {
  config: Pick<
    Config,
    | "retryTimes"
    | "chatgptBaseUrls"
    | "historyDisabled"
    | "reasoningDisplay"
    | "userAgents"
    | "proxyUrls"
    | "enableLimit"
    | "checkModel"
    | "exportProxyUrl"
    | "allowPrivateUrls"
    | "maxFileBytes"
    | "maxAttachments"
    | "maxAttachmentUrls"
    | "maxMediaBytes"
    | "uploadByUrl"
    | "toolsPreferCodex"
  >;
  upstream: UpstreamClient;
  resolveCaller: CallerResolver;
  pool: AccountPool;
  store: Pick<Store, "logRequest" | "listAccounts" | "recordConversation" | "findConversation">;
  logger: Logger;
  now?: () => number;
  /** Outbound fetch of the Codex engine (tests may wrap it); Bun's by default. */
  codexFetch?: CodexFetch;
  /** Told the outcome of every upstream attempt, whoever's credential it used (metrics). */
  onAttempt?: (outcome: AttemptOutcome["type"]) => void;
  /** Links a client can open for the images a web reply shows; the upstream's own links when absent. */
  assets?: AssetLinks;
  /** The pool's Codex catalogs: routing by what accounts list; the built-in Codex lineup only when absent. */
  codexCatalogs?: CodexCatalogs;
}

export interface ReplyContext {
  bearer: string | null;
  teamAccountId: string | null;
  /** The client's network address, when known (budgets per client); read only while the request is in flight. */
  clientAddress?: () => string | null;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The client key's short hash (request-context.ts), for the request log. */
  clientKey: string | null;
  /** This server's `…/v1/assets/` as the client reached it, for images chat2api serves itself (asset-links.ts). */
  assetBase?: string | null;
  /** The request's `x-request-id` (app.ts), for the request log. */
  requestId?: string | null;
}

/** What any endpoint asks for, in OpenAI chat terms (the Responses API converts its input to this). */
export interface ReplyRequest extends ConversationRequest {
  model: string;
  maxTokens?: number;
  stop?: string[];
  /** What the model may call (tool-calls.md §1): described in the prompt, and its `<tool_call>` blocks made calls. */
  tools?: ToolPlan;
  /** Structured output (tool-calls.md §5); `schemaParam` names the field that holds a schema, for its 400. */
  responseFormat?: { format: ResponseFormat; schemaParam: string };
}

export interface Reply {
  model: ResolvedModel;
  promptTokens: number;
  historyDisabled: boolean;
  /** Rendered and limited; its first delta is `start`. Errors are ApiErrors; a `failed` delta is a failure after the start. */
  deltas: ReadableStream<RenderedDelta>;
  /** The session of the attempt that answered: what the reply points at belongs to its account (and its proxy). */
  session?: UpstreamSession;
  /**
   * The slug the upstream says answered, as known so far (web replies: from the first delta on; the stream's closing
   * metadata may still change it, see served-model.ts). Absent for Codex replies.
   */
  upstreamModel?: () => string | null;
}

export class ReplyService {
  private readonly deps: ReplyServiceDeps;
  private readonly now: () => number;
  private readonly accountModels: AccountModels;
  private readonly owners: ConversationOwners;
  private readonly codex: CodexReplies;
  private readonly web: WebEngine;
  /** Which engine answers a model name; /v1/models lists by it too. */
  readonly router: ModelRouter;

  constructor(deps: ReplyServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.accountModels = new AccountModels(deps.upstream, 10 * 60_000, this.now);
    this.owners = new ConversationOwners(deps.store, this.now);
    this.router = new ModelRouter(deps.codexCatalogs ?? null);
    this.web = new WebEngine({
      config: deps.config,
      upstream: deps.upstream,
      pool: deps.pool,
      store: deps.store,
      accountModels: this.accountModels,
      ...(deps.assets ? { assets: deps.assets } : {}),
      logger: deps.logger,
      now: this.now,
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
    });
    this.codex = new CodexReplies({
      config: deps.config,
      pool: deps.pool,
      store: deps.store,
      logger: deps.logger,
      now: this.now,
      ...(deps.codexFetch ? { fetch: deps.codexFetch } : {}),
      ...(deps.codexCatalogs ? { catalogs: deps.codexCatalogs } : {}),
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
    });
  }

  /**
   * Our table first; a name it does not know passes through when the caller's own account lists it upstream. With
   * CHECK_MODEL, an own account that does not list the model is told so before a conversation is spent.
   */
  private async resolveModelFor(name: string, caller: Caller, signal: AbortSignal): Promise<ResolvedModel> {
    const own = caller.kind === "own" ? caller : null;
    const slugsOfOwn = () =>
      own ? this.accountModels.slugs(`at:${secretDigest(own.accessToken).slice(0, 32)}`, this.web.identityFor(caller, null), signal) : Promise.resolve([]);
    let model: ResolvedModel;
    try {
      model = resolveModel(name);
    } catch (error) {
      if (!(error instanceof UnknownModelError) || !own) throw error;
      model = resolveModel(name, { accountSlugs: await slugsOfOwn().catch(() => []) });
    }
    if (this.deps.config.checkModel && own && model.gizmoId === null) {
      const slugs = await slugsOfOwn().catch(() => null);
      if (slugs && !slugs.includes(model.upstreamSlug)) throw new ModelNotFoundError(name);
    }
    return model;
  }

  /** The engine that answers `model`: every endpoint asks before it builds its request. */
  engineFor(model: string): Promise<EngineName> {
    return this.router.engineFor(model);
  }

  /**
   * TOOLS_PREFER_CODEX: the Codex model a pool caller's request with tools for a web model goes to instead (native
   * function calling beats prompt-based calls), when the pool has an active account that may serve Codex: the first
   * model the pool's Codex catalogs list. Null keeps the web engine's prompt-based tools.
   */
  async codexModelForTools(context: ReplyContext): Promise<string | null> {
    if (!this.deps.config.toolsPreferCodex) return null;
    const caller = await this.deps.resolveCaller({ bearer: context.bearer, teamAccountId: context.teamAccountId, clientAddress: context.clientAddress });
    if (caller.kind !== "pool") return null;
    const accounts = await this.deps.store.listAccounts();
    if (!accounts.some((account) => account.status === "active" && mayServeCodex(account))) return null;
    const [first] = await this.router.codexModels();
    return first?.slug ?? null;
  }

  /** A request for a Codex model, answered by the Codex engine with the same deltas the web engine yields. */
  async codexReply(request: CodexRequest, context: ReplyContext): Promise<Reply> {
    const attempts: RequestAttempt[] = [];
    return this.loggingRefusal(context, { model: request.body.model, engine: "codex", attempts }, async () => {
      const caller = await this.deps.resolveCaller({ bearer: context.bearer, teamAccountId: context.teamAccountId, clientAddress: context.clientAddress });
      return this.codex.reply(request, caller, context, attempts);
    });
  }

  /** Runs what opens a reply; a refusal before the reply began (any thrown error) is logged with the attempts made. */
  private async loggingRefusal<T>(context: ReplyContext, request: { model: string; engine: EngineName; attempts: RequestAttempt[] }, open: () => Promise<T>): Promise<T> {
    const startedAt = this.now();
    try {
      return await open();
    } catch (error) {
      const refused = { ...request, clientKey: context.clientKey, requestId: context.requestId ?? null, startedAt };
      logRefusedRequest({ ...this.deps, now: this.now }, refused, error, context.signal.aborted);
      throw error;
    }
  }

  /**
   * A web-engine reply: the request's tools and response format go into the prompt; with tools, the reply's blocks
   * become calls; with a JSON response format, the reply is checked whole (structured-reply.ts).
   */
  async reply(request: ReplyRequest, context: ReplyContext): Promise<Reply> {
    const { tools, responseFormat } = request;
    // compiled first: a schema that cannot be compiled is a 400 before anything is sent
    const check = responseFormat ? await replyChecker(responseFormat.format, { schemaParam: responseFormat.schemaParam }) : null;
    const added = [tools ? toolInstructions(tools) : null, responseFormat ? responseFormatInstructions(responseFormat.format) : null];
    const instructions = [...(request.instructions ?? []), ...added.filter((text): text is string => text !== null)];
    const prompted: ReplyRequest = { ...request, instructions };
    if (!check || !responseFormat || responseFormat.format.type === "text") return this.replyOnce(prompted, context);
    return structuredReply(prompted, { format: responseFormat.format, check, attempt: (next) => this.replyOnce(next, context), logger: this.deps.logger });
  }

  private replyOnce(request: ReplyRequest, context: ReplyContext): Promise<Reply> {
    const attempts: RequestAttempt[] = [];
    return this.loggingRefusal(context, { model: request.model, engine: "web", attempts }, () => this.webReply(request, context, attempts));
  }

  private async webReply(request: ReplyRequest, context: ReplyContext, attempts: RequestAttempt[]): Promise<Reply> {
    // the log's latency and first-token time count from here, failed attempts included: what the client waited
    const receivedAt = this.now();
    const caller = await this.deps.resolveCaller({ bearer: context.bearer, teamAccountId: context.teamAccountId, clientAddress: context.clientAddress });
    const model = await this.resolveModelFor(request.model, caller, context.signal);
    // a continuation goes to the account holding the conversation, and only for the caller who made it
    const holder = request.conversationId ? await this.owners.holderFor(request.conversationId, caller, context.bearer) : null;
    const plan = await planConversation(request, model, { config: this.deps.config, signal: context.signal });
    const { promptTokens } = plan;
    const turn = await this.web.open({ plan, holder, assetBase: context.assetBase ?? null }, caller, context.signal, attempts);

    // counted as it streams, so the usage is ready when it ends
    const replyTokens = new ReplyTokens(model.requested, { exact: request.maxTokens !== undefined });
    const end = (status: number): void => {
      const usage = buildUsage({ promptTokens, content: "", reasoning: "", model: model.requested, counted: replyTokens.finish() });
      void this.web.report(turn, caller, {
        type: "success",
        model: model.upstreamSlug,
        promptTokens,
        completionTokens: usage.completion_tokens,
        latencyMs: this.now() - turn.startedAt,
        ttftMs: turn.ttftMs,
      });
      const row = { clientKey: context.clientKey, model: model.requested, promptTokens, completionTokens: usage.completion_tokens, status };
      const trace = { requestId: context.requestId ?? null, engine: "web" as const, attempts, error: errorOfEnd(status) };
      logFinishedReply({ ...this.deps, now: this.now }, { ...row, ...trace, accountId: turn.lease?.accountId ?? null, startedAt: receivedAt, ttftMs: turn.startedAt + turn.ttftMs - receivedAt });
    };
    const { maxTokens, stop } = request;
    const limited = pullThrough(turn.deltas, limitOutput({ model: model.requested, ...(maxTokens ? { maxTokens } : {}), ...(stop && stop.length > 0 ? { stop } : {}) }));
    const { owners } = this;
    const { logger } = this.deps;
    const counted = (delta: RenderedDelta): RenderedDelta | Promise<RenderedDelta> => {
      // recorded before the client can read the id, so its next turn finds it
      if (delta.type === "start" && delta.conversationId && !plan.historyDisabled) {
        return owners
          .record(delta.conversationId, { caller, bearer: context.bearer, lease: turn.lease })
          .catch((error: unknown) => logger.warn("conversation owner write failed", { error }))
          .then(() => delta);
      }
      return delta.type === "finish" ? { ...delta, tokens: replyTokens.finish() } : delta;
    };
    const deltas = watchReply(limited, {
      // synchronous unless the count lets the event loop run or the owner is recorded: most chunks make no promise
      see(delta) {
        const counting = replyTokens.add(delta);
        return counting ? counting.then(() => counted(delta)) : counted(delta);
      },
      end,
      clientError: (error) => (isUpstreamError(error) ? toApiError(error, turn.lease !== null) : error),
    });
    // after the count: the blocks the model wrote are completion tokens, as a native call's arguments would be
    const tools = request.tools && request.tools.tools.length > 0 ? request.tools : null;
    const parsed = tools
      ? pullThrough(
          deltas,
          toolCallStream({
            tools: tools.tools,
            parallel: tools.parallel,
            onRefused: (block) => logger.info("a tool block was kept as text", { reason: block.reason, tool: block.name, afterStart: block.afterStart }),
          }),
        )
      : deltas;
    return { model, promptTokens, historyDisabled: plan.historyDisabled, deltas: parsed, session: turn.session, ...(turn.servedModel ? { upstreamModel: turn.servedModel } : {}) };
  }
}
