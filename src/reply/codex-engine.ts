/**
 * @module The Codex engine: ChatGPT's Codex backend behind the engine interface. One turn is a Codex request body
 * for a Codex model; an attempt is sent with the caller's own Codex token or a leased Codex account of the pool
 * (another account only before the first event), every answer's quota goes to the pool, and the events come back as
 * rendered deltas. Failures are facts (CodexError) until codex-failure.ts picks the status at the edge.
 */
import type { Config } from "../config.ts";
import { ApiError, AuthenticationError, InvalidRequestError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { isCodexAccessToken, readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import { openCodexResponse } from "../engines/codex/client.ts";
import type { CodexRequestBody } from "../engines/codex/codex-body.ts";
import type { CodexFetch } from "../engines/codex/connection.ts";
import { CodexError } from "../engines/codex/errors.ts";
import { type QuotaWindows, withUsageLimit } from "../engines/codex/quota.ts";
import type { AccountLease, AccountPool } from "../pool/account-pool.ts";
import type { CodexCatalogs } from "../pool/codex-catalogs.ts";
import { type AttemptOutcome, shouldFailover, shouldRetrySameCredential } from "../pool/attempt-outcome.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import type { RequestAttempt } from "../store/store.ts";
import { peek } from "../streams/pull-through.ts";
import type { ResolvedModel } from "../translate/model-names.ts";
import { codexDeltas } from "./codex-deltas.ts";
import { codexApiError, codexOutcomeOf } from "./codex-failure.ts";
import type { Engine, OpenedTurn } from "./engine.ts";

/** What the Codex engine answers: the body for the backend, and the session key the prompt cache follows. */
export interface CodexTurn {
  model: ResolvedModel;
  body: CodexRequestBody;
  sessionKey: string;
}

export interface CodexEngineDeps {
  config: Pick<Config, "chatgptBaseUrls" | "retryTimes">;
  pool: Pick<AccountPool, "lease" | "report" | "reportQuota">;
  logger: Logger;
  fetch?: CodexFetch;
  now: () => number;
  onAttempt?: (outcome: AttemptOutcome["type"]) => void;
  /** The pool's catalogs: told when an answer says an account's catalog changed or a model it listed was refused. */
  catalogs?: Pick<CodexCatalogs, "noteEtag" | "forget">;
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

export class CodexEngine implements Engine<CodexTurn> {
  constructor(private readonly deps: CodexEngineDeps) {}

  private now(): number {
    return this.deps.now();
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

  /** Each attempt is added to `attempts` (the request log's), however it ends. */
  async open(turn: CodexTurn, caller: Caller, signal: AbortSignal, attempts: RequestAttempt[] = []): Promise<OpenedTurn> {
    const { model, body, sessionKey } = turn;
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
          body,
          sessionId: sessionKey,
          signal,
          ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
          now: this.deps.now,
        });
        if (credential.lease && opened.quota) await this.reportQuota(credential.lease.accountId, opened.quota);
        if (credential.lease) this.deps.catalogs?.noteEtag(credential.lease.accountId, opened.modelsEtag);
        // the first event proves the backend took the turn: a failure before it may still go to another account
        const { first, stream: deltas } = await peek(codexDeltas(opened.events));
        if (first.done) throw new CodexError("stream", "The Codex stream ended before the reply began.");
        const ttftMs = this.now() - startedAt;
        attempts.push({ accountId: credential.lease?.accountId ?? null, outcome: "success", status: 200, kind: null, ms: ttftMs });
        return { deltas, lease: credential.lease, startedAt, ttftMs };
      } catch (error) {
        if (!(error instanceof CodexError)) throw error;
        const outcome = codexOutcomeOf(error, model.upstreamSlug);
        attempts.push({ accountId: credential.lease?.accountId ?? null, outcome: outcome.type, status: error.status, kind: error.kind, ms: this.now() - startedAt });
        this.deps.onAttempt?.(outcome.type);
        if (credential.lease) {
          if (error.kind === "model-unsupported") this.deps.catalogs?.forget(credential.lease.accountId);
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

  /** Tells the pool (and metrics) how an attempt went. */
  async report(lease: AccountLease, outcome: AttemptOutcome): Promise<void> {
    if (outcome.type === "success") this.deps.onAttempt?.("success");
    await this.deps.pool.report(lease, outcome).catch((error: unknown) => this.deps.logger.warn("pool report failed", { error }));
  }

  private async reportQuota(accountId: string, quota: QuotaWindows): Promise<void> {
    await this.deps.pool.reportQuota(accountId, quota).catch((error: unknown) => this.deps.logger.warn("quota report failed", { error }));
  }
}
