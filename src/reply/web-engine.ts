/**
 * @module The web engine: the ChatGPT web conversation behind the engine interface. One turn is a planned
 * conversation; the attempt loop leases an account (or uses the caller's own token, or no-login mode), checks the
 * model where CHECK_MODEL asks, opens the conversation through the web client and renders its events, and resolves
 * at the first rendered delta. Failures before it are reported to the pool and may move to another account.
 */
import { peek, pullThrough } from "../streams/pull-through.ts";
import type { Config } from "../config.ts";
import { ApiError, ModelNotFoundError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { UpstreamClient } from "../engines/web/client.ts";
import { UpstreamError } from "../engines/web/errors.ts";
import type { UpstreamIdentity } from "../engines/web/identity.ts";
import { IdentityCache } from "../engines/web/identity-cache.ts";
import type { AccountLease, AccountPool } from "../pool/account-pool.ts";
import { type AttemptOutcome, shouldFailover, shouldRetrySameCredential } from "../pool/attempt-outcome.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import { unavailablePoolError } from "../pool/unavailable-pool.ts";
import type { RequestAttempt, Store } from "../store/store.ts";
import { requiresPaidPlan, type ResolvedModel } from "../translate/model-names.ts";
import { createRenderer } from "../translate/render-events.ts";
import type { AccountModels } from "./account-models.ts";
import type { ConversationPlan } from "./conversation-plan.ts";
import type { Engine, OpenedTurn } from "./engine.ts";
import { resolveAssetUrl } from "./resolve-asset-url.ts";
import { watchServedModel } from "./served-model.ts";
import { leaseWithFreeSlot, streamBucketOf } from "./stream-bucket.ts";
import { isUpstreamError, noLoginRefusalError, outcomeOf, toApiError } from "./upstream-failure.ts";
import type { AssetLinks } from "./asset-links.ts";
import type { UpstreamSession } from "../engines/web/session.ts";
import type { AssetRef } from "../translate/render-events.ts";

/** What the web engine answers: a planned conversation, and the account holding it when it is continued. */
export interface WebTurn {
  plan: ConversationPlan;
  holder: string | null;
  /** This server's `…/v1/assets/` as the client reached it; null hands on the upstream's image links as they are. */
  assetBase?: string | null;
}

export interface WebEngineDeps {
  config: Pick<Config, "retryTimes" | "reasoningDisplay" | "userAgents" | "proxyUrls" | "enableLimit" | "checkModel">;
  upstream: UpstreamClient;
  pool: AccountPool;
  store: Pick<Store, "listAccounts">;
  accountModels: AccountModels;
  logger: Logger;
  now: () => number;
  onAttempt?: (outcome: AttemptOutcome["type"]) => void;
  /** Links a client can open for a reply's images (asset-links.ts); the upstream's own links when absent. */
  assets?: AssetLinks;
}

export class WebEngine implements Engine<WebTurn> {
  private readonly identities: IdentityCache;

  constructor(private readonly deps: WebEngineDeps) {
    this.identities = new IdentityCache({ userAgents: deps.config.userAgents, proxyUrls: deps.config.proxyUrls });
  }

  private now(): number {
    return this.deps.now();
  }

  /** CHECK_MODEL for a pool account: whether it lists the model (an unknown answer counts as yes). */
  private async leaseOffers(lease: AccountLease, identity: UpstreamIdentity, model: ResolvedModel, signal: AbortSignal): Promise<boolean> {
    if (!this.deps.config.checkModel || model.gizmoId !== null) return true;
    const slugs = await this.deps.accountModels.slugs(lease.accountId, identity, signal).catch(() => null);
    return slugs === null || slugs.includes(model.upstreamSlug);
  }

  /**
   * The attempt loop: one predicate (`shouldFailover`) decides whether another account is tried. It ends at the
   * first rendered delta, so everything after it belongs to the client and is never retried. Each attempt is added
   * to `attempts` (the request log's), however it ends.
   */
  async open(turn: WebTurn, caller: Caller, signal: AbortSignal, attempts: RequestAttempt[] = []): Promise<OpenedTurn> {
    const { plan, holder } = turn;
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
        attempts.push({ accountId: lease.accountId, outcome: "not-offered", status: null, kind: "model-not-offered", ms: 0 });
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
          resolveAsset: (ref) => this.assetLink(opened.session, ref, turn.assetBase ?? null, signal),
        });
        const served = watchServedModel(opened.events);
        const { first, stream: deltas } = await peek(pullThrough(served.events, renderer)).catch((error: unknown) => {
          throw isUpstreamError(error) ? error : new UpstreamError("stream", "The ChatGPT stream failed before the reply began.", { cause: error });
        });
        if (first.done || first.value.type === "failed") {
          await deltas.cancel().catch(() => {});
          const said = !first.done && first.value.type === "failed" ? ` (${first.value.message})` : "";
          throw new UpstreamError(
            "unusual-activity",
            `ChatGPT accepted the request but produced no reply${said}: it usually means the account or IP is being throttled ("unusual activity"). Try again later or use another account.`,
          );
        }
        const ttftMs = this.now() - startedAt;
        attempts.push({ accountId: lease?.accountId ?? null, outcome: "success", status: 200, kind: null, ms: ttftMs });
        return { deltas, session: opened.session, lease, startedAt, ttftMs, servedModel: served.slug };
      } catch (error) {
        if (!isUpstreamError(error)) throw error;
        const outcome = outcomeOf(error, model.upstreamSlug);
        attempts.push({ accountId: lease?.accountId ?? null, outcome: outcome.type, status: error.status, kind: error.kind, ms: this.now() - startedAt });
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

  /**
   * A link the client can open for what the reply points at: the upstream's download URL, or, for an image whose
   * URL needs the account's bearer, chat2api's own. Null when there is none (the renderer says the image failed).
   */
  private async assetLink(session: UpstreamSession, ref: AssetRef, assetBase: string | null, signal: AbortSignal): Promise<string | null> {
    const url = await resolveAssetUrl(session, ref, signal);
    if (url === null || !this.deps.assets) return url;
    return this.deps.assets.linkFor(url, session, assetBase, signal, { anyFile: ref.kind === "sandbox" }).catch((error: unknown) => {
      this.deps.logger.warn("could not fetch a reply's file for its link", { error });
      return null;
    });
  }

  /** The browser identity and credential of one attempt: the leased account, the caller's own token, or no-login. */
  identityFor(caller: Caller, lease: AccountLease | null): UpstreamIdentity {
    if (lease) return this.identities.of({ accessToken: lease.accessToken, teamAccountId: lease.teamAccountId, stickyKey: lease.accountId });
    if (caller.kind === "own") return this.identities.of({ accessToken: caller.accessToken, teamAccountId: caller.teamAccountId });
    return this.identities.of({ accessToken: null, teamAccountId: null });
  }

  /** Tells the pool (and metrics) how an attempt went. */
  async report(turn: { lease: AccountLease | null }, caller: Caller, outcome: AttemptOutcome): Promise<void> {
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
