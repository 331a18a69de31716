/**
 * @module The Codex engine's side of the reply pipeline: a chat or Responses request for a Codex model becomes a
 * Codex body, is sent with the caller's own Codex token or a leased Codex account of the pool (failover before the
 * first event, as on the web engine), and comes back as rendered deltas for the same writers. Quotas reported by
 * every answer go to the pool; usage is the upstream's, taken from the finish event, for the client and the log.
 */
import type { Config } from "../config.ts";
import { ApiError, AuthenticationError, InvalidRequestError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { isCodexAccessToken, readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import { chatToCodex } from "../engines/codex/chat-to-codex.ts";
import type { ChatRequestForCodex } from "../engines/codex/chat-request.ts";
import { openCodexResponse } from "../engines/codex/client.ts";
import type { ToCodexResult } from "../engines/codex/codex-body.ts";
import type { CodexFetch } from "../engines/codex/connection.ts";
import { CodexError } from "../engines/codex/errors.ts";
import { type QuotaWindows, withUsageLimit } from "../engines/codex/quota.ts";
import { type ResponsesRequestForCodex, responsesToCodex } from "../engines/codex/responses-to-codex.ts";
import type { AccountLease, AccountPool } from "../pool/account-pool.ts";
import { type AttemptOutcome, shouldFailover, shouldRetrySameCredential } from "../pool/attempt-outcome.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import { secretDigest } from "../pool/token-kind.ts";
import type { Store } from "../store/store.ts";
import type { ResolvedModel } from "../translate/model-names.ts";
import type { RenderedDelta, UpstreamUsage } from "../translate/rendered-delta.ts";
import { codexDeltas } from "./codex-deltas.ts";
import { codexApiError, codexOutcomeOf } from "./codex-failure.ts";
import { prepend } from "./prepend.ts";
import { logFinishedReply } from "./request-log.ts";

/** The client's request as it came: each API maps onto a Codex body its own way. */
export type CodexRequest = { api: "chat"; body: ChatRequestForCodex } | { api: "responses"; body: ResponsesRequestForCodex };

export interface CodexRepliesDeps {
  config: Pick<Config, "chatgptBaseUrls" | "retryTimes">;
  pool: Pick<AccountPool, "lease" | "report"> & { reportQuota?: (accountId: string, quota: QuotaWindows) => Promise<unknown> };
  store: Pick<Store, "logRequest">;
  logger: Logger;
  fetch?: CodexFetch;
  now?: () => number;
  onAttempt?: (outcome: AttemptOutcome["type"]) => void;
}

export interface CodexReply {
  model: ResolvedModel;
  /** Not known before the upstream counts it: the finish delta carries the usage. */
  promptTokens: number;
  historyDisabled: true;
  deltas: ReadableStream<RenderedDelta>;
}

interface Credential {
  accessToken: string;
  accountId: string;
  lease: AccountLease | null;
}

/** What a refusal said of the account's quota: its headers, and the reset a usage limit announced. */
function quotaOfRefusal(error: CodexError, nowMs: number): QuotaWindows | null {
  if (error.kind !== "usage-limit") return error.quota;
  const resetsInSec = error.resetsInSec ?? 60;
  const limit = { planType: error.planType, resetsAt: error.resetsAt ?? nowMs + resetsInSec * 1000, resetsInSec };
  return withUsageLimit(error.quota, limit, nowMs);
}

function codexModel(name: string): ResolvedModel {
  return { requested: name, upstreamSlug: name, gizmoId: null, imageGeneration: false, reasoning: true };
}

function toCodexBody(request: CodexRequest, sessionKey: string): ToCodexResult {
  return request.api === "chat" ? chatToCodex(request.body, { promptCacheKey: sessionKey }) : responsesToCodex(request.body, { promptCacheKey: sessionKey });
}

export class CodexReplies {
  private readonly now: () => number;

  constructor(private readonly deps: CodexRepliesDeps) {
    this.now = deps.now ?? Date.now;
  }

  async reply(request: CodexRequest, caller: Caller, context: { bearer: string | null; signal: AbortSignal; clientKey: string | null }): Promise<CodexReply> {
    const model = codexModel(request.body.model);
    // one conversation key per caller: the prompt cache and the backend's routing follow it, and no secret shows
    const sessionKey = `chat2api-${secretDigest(context.bearer ?? "anonymous").slice(0, 24)}`;
    const converted = toCodexBody(request, sessionKey);
    if (!converted.ok) {
      const { error } = converted;
      throw new InvalidRequestError(error.message, { param: error.param, code: error.code });
    }
    if (converted.dropped.length > 0) this.deps.logger.debug("parameters the Codex backend refuses were left out", { dropped: converted.dropped });
    const turn = await this.openTurn({ caller, model, body: converted.body, sessionKey, signal: context.signal });

    let usage: UpstreamUsage | null = null;
    let failed = false;
    let logged = false;
    const finish = (status: number): void => {
      if (logged) return;
      logged = true;
      const latencyMs = this.now() - turn.startedAt;
      if (turn.lease && status === 200) {
        void this.report(turn.lease, {
          type: "success",
          model: model.upstreamSlug,
          promptTokens: usage?.promptTokens ?? 0,
          completionTokens: usage?.completionTokens ?? 0,
          latencyMs,
          ttftMs: turn.ttftMs,
        });
      }
      logFinishedReply(
        { store: this.deps.store, logger: this.deps.logger, now: this.now },
        {
          clientKey: context.clientKey,
          accountId: turn.lease?.accountId ?? null,
          model: model.requested,
          promptTokens: usage?.promptTokens ?? 0,
          completionTokens: usage?.completionTokens ?? 0,
          status,
          startedAt: turn.startedAt,
          ttftMs: turn.ttftMs,
        },
      );
    };
    const reader = turn.deltas.getReader();
    const deltas = new ReadableStream<RenderedDelta>(
      {
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              finish(failed ? 502 : 200);
              controller.close();
              return;
            }
            if (value.type === "finish") usage = value.usage ?? null;
            if (value.type === "failed") failed = true;
            controller.enqueue(value);
          } catch (error) {
            finish(502);
            controller.error(error instanceof CodexError ? codexApiError(error, model.requested, turn.lease !== null) : error);
          }
        },
        cancel(reason) {
          finish(499);
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return { model, promptTokens: 0, historyDisabled: true, deltas };
  }

  /** Who sends it: the caller's own Codex token, or pool accounts one attempt each. */
  private async credentialFor(caller: Caller, model: ResolvedModel, tried: ReadonlySet<string>): Promise<Credential | null> {
    if (caller.kind === "own") {
      if (!isCodexAccessToken(caller.accessToken)) {
        throw new InvalidRequestError(
          `${model.requested} is served by ChatGPT's Codex backend, which takes only Codex sign-ins: use a token from \`chat2api login\` (or the Codex CLI's auth.json), or a pool key with Codex accounts.`,
          { param: "model", code: "codex_account_required" },
        );
      }
      const accountId = caller.teamAccountId ?? readCodexClaims(caller.accessToken).chatgptAccountId;
      if (!accountId) throw new AuthenticationError("This Codex access token carries no ChatGPT account id; sign in again.", { code: "invalid_access_token" });
      return { accessToken: caller.accessToken, accountId, lease: null };
    }
    if (caller.kind === "anonymous") {
      throw new AuthenticationError(
        `${model.requested} is served by ChatGPT's Codex backend, which needs a signed-in ChatGPT account: send a Codex access token (chat2api login) or a pool key.`,
        { code: "codex_account_required" },
      );
    }
    const lease = await this.deps.pool.lease({ model: model.upstreamSlug, exclude: tried, engine: "codex" });
    if (!lease) return null;
    const accountId = lease.chatgptAccountId ?? lease.teamAccountId ?? readCodexClaims(lease.accessToken).chatgptAccountId;
    return { accessToken: lease.accessToken, accountId: accountId ?? "", lease };
  }

  private async openTurn(input: { caller: Caller; model: ResolvedModel; body: object; sessionKey: string; signal: AbortSignal }) {
    const { caller, model, body, sessionKey, signal } = input;
    const tried = new Set<string>();
    let lastError: CodexError | null = null;
    let lastPooled = false;
    const baseUrl = this.deps.config.chatgptBaseUrls[0] ?? "https://chatgpt.com";
    for (let attempt = 0; attempt <= this.deps.config.retryTimes; attempt++) {
      const credential = await this.credentialFor(caller, model, tried);
      if (!credential) break;
      if (credential.lease) tried.add(credential.lease.accountId);
      const startedAt = this.now();
      try {
        const opened = await openCodexResponse({
          baseUrl,
          accessToken: credential.accessToken,
          accountId: credential.accountId,
          body: body as Parameters<typeof openCodexResponse>[0]["body"],
          sessionId: sessionKey,
          signal,
          ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
          now: this.now,
        });
        if (credential.lease && opened.quota) await this.reportQuota(credential.lease.accountId, opened.quota);
        const reader = codexDeltas(opened.events).getReader();
        // the first event proves the backend took the turn: a failure before it may still go to another account
        const first = await reader.read();
        if (first.done) throw new CodexError("stream", "The Codex stream ended before the reply began.");
        return { deltas: prepend(first.value, reader), lease: credential.lease, startedAt, ttftMs: this.now() - startedAt };
      } catch (error) {
        if (!(error instanceof CodexError)) throw error;
        const outcome = codexOutcomeOf(error, model.upstreamSlug);
        this.deps.onAttempt?.(outcome.type);
        if (credential.lease) {
          await this.report(credential.lease, outcome);
          const quota = quotaOfRefusal(error, this.now());
          if (quota) await this.reportQuota(credential.lease.accountId, quota);
        }
        lastError = error;
        lastPooled = credential.lease !== null;
        this.deps.logger.info("codex attempt failed", { attempt, account: credential.lease?.label ?? caller.kind, kind: error.kind, status: error.status });
        const again = credential.lease ? shouldFailover(outcome) : shouldRetrySameCredential(outcome);
        if (!again || signal.aborted) break;
      }
    }
    if (lastError) throw codexApiError(lastError, model.requested, lastPooled);
    throw new ApiError(503, "upstream_error", `No account in the pool can use the Codex backend for ${model.requested}: add one with \`chat2api login\` or the management API.`, {
      code: "no_codex_account",
    });
  }

  private async report(lease: AccountLease, outcome: AttemptOutcome): Promise<void> {
    if (outcome.type === "success") this.deps.onAttempt?.("success");
    await this.deps.pool.report(lease, outcome).catch((error: unknown) => this.deps.logger.warn("pool report failed", { error }));
  }

  private async reportQuota(accountId: string, quota: QuotaWindows): Promise<void> {
    await this.deps.pool.reportQuota?.(accountId, quota).catch((error: unknown) => this.deps.logger.warn("quota report failed", { error }));
  }
}
