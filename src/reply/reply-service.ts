/**
 * @module The reply service, shared by every OpenAI-shaped endpoint: resolves the caller and the model, plans the
 * conversation, runs the attempt loop (one account per attempt, failover only before the first byte), and hands
 * back the rendered deltas of a reply whose first event is already known, so a failure before the first byte gets
 * its real status. The request log is written when the deltas end, however they end.
 */
import type { Config } from "../config.ts";
import { ApiError, ModelNotFoundError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { AccountLease, AccountPool } from "../pool/account-pool.ts";
import { type AttemptOutcome, shouldFailover, shouldRetrySameCredential } from "../pool/attempt-outcome.ts";
import type { Caller, CallerResolver } from "../pool/resolve-caller.ts";
import type { Store } from "../store/store.ts";
import type { UpstreamClient } from "../engines/web/client.ts";
import { UpstreamError } from "../engines/web/errors.ts";
import type { UpstreamSession } from "../engines/web/session.ts";
import { createIdentity, type UpstreamIdentity } from "../engines/web/identity.ts";
import { limitOutput } from "../translate/limit-output.ts";
import { requiresPaidPlan, resolveModel, type ResolvedModel } from "../translate/model-names.ts";
import { createRenderer, type RenderedDelta } from "../translate/render-events.ts";
import { ReplyTokens } from "../translate/reply-tokens.ts";
import { buildUsage } from "../translate/usage.ts";
import { secretDigest } from "../pool/token-kind.ts";
import { unavailablePoolError } from "../pool/unavailable-pool.ts";
import { AccountModels } from "./account-models.ts";
import type { CodexFetch } from "../engines/codex/connection.ts";
import { type CodexRequest, CodexReplies } from "./codex-replies.ts";
import { ConversationOwners } from "./conversation-owners.ts";
import { type ConversationPlan, type ConversationRequest, planConversation } from "./conversation-plan.ts";
import { prepend } from "./prepend.ts";
import { logFinishedReply } from "./request-log.ts";
import { resolveAssetUrl } from "./resolve-asset-url.ts";
import { leaseWithFreeSlot, streamBucketOf } from "./stream-bucket.ts";
import { isUpstreamError, noLoginRefusalError, outcomeOf, toApiError } from "./upstream-failure.ts";

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
}

export interface ReplyContext {
  bearer: string | null;
  teamAccountId: string | null;
  /** The client's network address, when known (budgets per client). */
  clientAddress?: string | null;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The client key's short hash (request-context.ts), for the request log. */
  clientKey: string | null;
}

/** What any endpoint asks for, in OpenAI chat terms (the Responses API converts its input to this). */
export interface ReplyRequest extends ConversationRequest {
  model: string;
  maxTokens?: number;
  stop?: string[];
}

export interface Reply {
  model: ResolvedModel;
  promptTokens: number;
  historyDisabled: boolean;
  /** Rendered and limited; its first delta is `start`. Errors are ApiErrors; a `failed` delta is a failure after the start. */
  deltas: ReadableStream<RenderedDelta>;
  /** The session of the attempt that answered: what the reply points at belongs to its account (and its proxy). */
  session?: UpstreamSession;
}

interface OpenedTurn {
  deltas: ReadableStream<RenderedDelta>;
  session: UpstreamSession;
  lease: AccountLease | null;
  startedAt: number;
  ttftMs: number;
}

export class ReplyService {
  private readonly deps: ReplyServiceDeps;
  private readonly now: () => number;
  private readonly accountModels: AccountModels;
  private readonly owners: ConversationOwners;
  private readonly codex: CodexReplies;

  constructor(deps: ReplyServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.accountModels = new AccountModels(deps.upstream, 10 * 60_000, this.now);
    this.owners = new ConversationOwners(deps.store, this.now);
    this.codex = new CodexReplies({
      config: deps.config,
      pool: deps.pool,
      store: deps.store,
      logger: deps.logger,
      now: this.now,
      ...(deps.codexFetch ? { fetch: deps.codexFetch } : {}),
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
      own ? this.accountModels.slugs(`at:${secretDigest(own.accessToken).slice(0, 32)}`, this.identityFor(caller, null), signal) : Promise.resolve([]);
    let model: ResolvedModel;
    try {
      model = resolveModel(name);
    } catch (error) {
      if (!(error instanceof ModelNotFoundError) || !own) throw error;
      model = resolveModel(name, { accountSlugs: await slugsOfOwn().catch(() => []) });
    }
    if (this.deps.config.checkModel && own && model.gizmoId === null) {
      const slugs = await slugsOfOwn().catch(() => null);
      if (slugs && !slugs.includes(model.upstreamSlug)) throw new ModelNotFoundError(name);
    }
    return model;
  }

  /** CHECK_MODEL for a pool account: whether it lists the model (an unknown answer counts as yes). */
  private async leaseOffers(lease: AccountLease, identity: UpstreamIdentity, model: ResolvedModel, signal: AbortSignal): Promise<boolean> {
    if (!this.deps.config.checkModel || model.gizmoId !== null) return true;
    const slugs = await this.accountModels.slugs(lease.accountId, identity, signal).catch(() => null);
    return slugs === null || slugs.includes(model.upstreamSlug);
  }

  /** A request for a Codex model, answered by the Codex engine with the same deltas the web engine yields. */
  async codexReply(request: CodexRequest, context: ReplyContext): Promise<Reply> {
    const caller = await this.deps.resolveCaller({ bearer: context.bearer, teamAccountId: context.teamAccountId, clientAddress: context.clientAddress ?? null });
    return this.codex.reply(request, caller, context);
  }

  async reply(request: ReplyRequest, context: ReplyContext): Promise<Reply> {
    const caller = await this.deps.resolveCaller({ bearer: context.bearer, teamAccountId: context.teamAccountId, clientAddress: context.clientAddress ?? null });
    const model = await this.resolveModelFor(request.model, caller, context.signal);
    // a continuation goes to the account holding the conversation, and only for the caller who made it
    const holder = request.conversationId ? await this.owners.holderFor(request.conversationId, caller, context.bearer) : null;
    const plan = await planConversation(request, model, { config: this.deps.config, signal: context.signal });
    const { promptTokens } = plan;
    const turn = await this.openTurn({ caller, plan, signal: context.signal, holder });

    // counted as it streams, so the usage is ready when it ends
    const replyTokens = new ReplyTokens(model.requested, { exact: request.maxTokens !== undefined });
    let failed = false;
    let logged = false;
    const finish = (status: number): void => {
      if (logged) return;
      logged = true;
      const usage = buildUsage({ promptTokens, content: "", reasoning: "", model: model.requested, counted: replyTokens.finish() });
      void this.report(turn, caller, {
        type: "success",
        model: model.upstreamSlug,
        promptTokens,
        completionTokens: usage.completion_tokens,
        latencyMs: this.now() - turn.startedAt,
        ttftMs: turn.ttftMs,
      });
      logFinishedReply(
        { store: this.deps.store, logger: this.deps.logger, now: this.now },
        {
          clientKey: context.clientKey,
          accountId: turn.lease?.accountId ?? null,
          model: model.requested,
          promptTokens,
          completionTokens: usage.completion_tokens,
          status,
          startedAt: turn.startedAt,
          ttftMs: turn.ttftMs,
        },
      );
    };
    const { maxTokens, stop } = request;
    const reader = turn.deltas
      .pipeThrough(limitOutput({ model: model.requested, ...(maxTokens ? { maxTokens } : {}), ...(stop && stop.length > 0 ? { stop } : {}) }))
      .getReader();
    const { owners, deps } = this;
    const logger = deps.logger;
    const deltas = new ReadableStream<RenderedDelta>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            finish(failed ? 502 : 200);
            controller.close();
            return;
          }
          await replyTokens.add(value);
          // recorded before the client can read the id, so its next turn finds it
          if (value.type === "start" && value.conversationId && !plan.historyDisabled) {
            await owners.record(value.conversationId, { caller, bearer: context.bearer, lease: turn.lease }).catch((error: unknown) => logger.warn("conversation owner write failed", { error }));
          }
          if (value.type === "failed") failed = true;
          controller.enqueue(value.type === "finish" ? { ...value, tokens: replyTokens.finish() } : value);
        } catch (error) {
          finish(502);
          controller.error(isUpstreamError(error) ? toApiError(error, turn.lease !== null) : error);
        }
      },
      cancel(reason) {
        finish(499);
        return reader.cancel(reason);
      },
    });
    return { model, promptTokens, historyDisabled: plan.historyDisabled, deltas, session: turn.session };
  }

  /**
   * The attempt loop: one predicate (`shouldFailover`) decides whether another account is tried. It ends at the
   * first rendered delta, so everything after it belongs to the client and is never retried.
   */
  private async openTurn(input: { caller: Caller; plan: ConversationPlan; signal: AbortSignal; holder: string | null }): Promise<OpenedTurn> {
    const { caller, plan, signal, holder } = input;
    const { model } = plan;
    const tried = new Set<string>();
    let lastError: UpstreamError | null = null;
    // the last failure was in no-login mode: an anonymous caller, or a pool key while the pool is empty
    let lastNoLogin = false;
    let notOffered = false;
    for (let attempt = 0; attempt <= this.deps.config.retryTimes; attempt++) {
      const lease =
        caller.kind !== "pool"
          ? null
          : holder
            ? await this.deps.pool.lease({ model: model.upstreamSlug, exclude: tried, only: holder })
            : await leaseWithFreeSlot(this.deps.pool, this.deps.upstream.streams, { model: model.upstreamSlug, exclude: tried });
      if (caller.kind === "pool" && lease === null) {
        if (attempt > 0) break;
        // an empty pool is no-login mode (chat2api's rule); accounts that cannot serve are never papered over by it
        const refusal = unavailablePoolError(await this.deps.store.listAccounts());
        if (refusal) throw refusal;
      }
      if (lease) tried.add(lease.accountId);
      const identity = this.identityFor(caller, lease);
      if (lease && !(await this.leaseOffers(lease, identity, model, signal))) {
        notOffered = true;
        continue;
      }
      if (caller.kind === "own" && attempt === 0 && this.deps.config.enableLimit) {
        const wait = await this.deps.pool.cooldownFor(caller.accessToken, model.upstreamSlug);
        if (wait !== null) {
          throw toApiError(new UpstreamError("capped", "This access token reached its usage cap for this model", { clearsInSec: wait }), false);
        }
      }
      const startedAt = this.now();
      try {
        const opened = await this.deps.upstream.openConversation({
          identity,
          prepareBody: (session) => plan.bodyFor(session, signal),
          signal,
          bucket: streamBucketOf(caller, lease),
          checkPersona: (persona) => {
            if (persona !== null && persona !== "chatgpt-paid" && requiresPaidPlan(model.upstreamSlug)) {
              throw new ModelNotFoundError(model.requested);
            }
          },
        });
        const renderer = createRenderer({
          reasoningDisplay: this.deps.config.reasoningDisplay,
          reasoningModel: model.reasoning,
          resolveAsset: (ref) => resolveAssetUrl(opened.session, ref, signal),
        });
        const reader = opened.events.pipeThrough(renderer).getReader();
        const first = await reader.read().catch((error: unknown) => {
          throw isUpstreamError(error) ? error : new UpstreamError("stream", "The ChatGPT stream failed before the reply began.", { cause: error });
        });
        if (first.done || first.value.type === "failed") {
          await reader.cancel().catch(() => {});
          const said = !first.done && first.value.type === "failed" ? ` (${first.value.message})` : "";
          throw new UpstreamError(
            "unusual-activity",
            `ChatGPT accepted the request but produced no reply${said}: it usually means the account or IP is being throttled ("unusual activity"). Try again later or use another account.`,
          );
        }
        return { deltas: prepend(first.value, reader), session: opened.session, lease, startedAt, ttftMs: this.now() - startedAt };
      } catch (error) {
        if (!isUpstreamError(error)) throw error;
        const outcome = outcomeOf(error, model.upstreamSlug);
        await this.report({ lease }, caller, outcome);
        lastError = error;
        lastNoLogin = lease === null && caller.kind !== "own";
        this.deps.logger.info("attempt failed", {
          attempt,
          account: lease?.label ?? caller.kind,
          kind: error.kind,
          status: error.status,
        });
        const again = caller.kind === "pool" ? shouldFailover(outcome) : shouldRetrySameCredential(outcome);
        if (!again || signal.aborted) break;
      }
    }
    if (lastError) throw (lastNoLogin ? noLoginRefusalError(lastError, caller.kind === "pool") : null) ?? toApiError(lastError, caller.kind === "pool");
    if (notOffered) throw new ModelNotFoundError(model.requested);
    throw new ApiError(503, "upstream_error", "No account could serve this request.", { code: "pool_exhausted" });
  }

  private identityFor(caller: Caller, lease: AccountLease | null): UpstreamIdentity {
    const options = { userAgents: this.deps.config.userAgents, proxyUrls: this.deps.config.proxyUrls };
    if (lease) return createIdentity({ accessToken: lease.accessToken, teamAccountId: lease.teamAccountId, stickyKey: lease.accountId }, options);
    if (caller.kind === "own") return createIdentity({ accessToken: caller.accessToken, teamAccountId: caller.teamAccountId }, options);
    return createIdentity({ accessToken: null, teamAccountId: null }, options);
  }

  private async report(turn: { lease: AccountLease | null }, caller: Caller, outcome: AttemptOutcome): Promise<void> {
    this.deps.onAttempt?.(outcome.type);
    try {
      if (turn.lease) await this.deps.pool.report(turn.lease, outcome);
      // a caller's own token only remembers usage caps (ENABLE_LIMIT); a block may be the request's own doing
      else if (caller.kind === "own" && outcome.type === "capped") await this.deps.pool.reportOwn(caller.accessToken, outcome);
    } catch (error) {
      this.deps.logger.warn("pool report failed", { error });
    }
  }
}
