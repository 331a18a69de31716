/**
 * @module The reply pipeline for Codex models: a chat or Responses request becomes a Codex body, the Codex engine
 * (codex-engine.ts) answers it with rendered deltas for the same writers as the web engine's, and the usage the
 * upstream counted, taken from the finish event, goes to the client and the request log.
 */
import type { Config } from "../config.ts";
import { InvalidRequestError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { chatToCodex } from "../engines/codex/chat-to-codex.ts";
import type { ChatRequestForCodex } from "../engines/codex/chat-request.ts";
import type { ToCodexResult } from "../engines/codex/codex-body.ts";
import type { CodexFetch } from "../engines/codex/connection.ts";
import { CodexError } from "../engines/codex/errors.ts";
import { type ResponsesRequestForCodex, responsesToCodex } from "../engines/codex/responses-to-codex.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { AttemptOutcome } from "../pool/attempt-outcome.ts";
import type { CodexCatalogs } from "../pool/codex-catalogs.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import { secretDigest } from "../pool/token-kind.ts";
import type { RequestAttempt, Store } from "../store/store.ts";
import type { ResolvedModel } from "../translate/model-names.ts";
import type { RenderedDelta, UpstreamUsage } from "../translate/rendered-delta.ts";
import { CodexEngine } from "./codex-engine.ts";
import { codexApiError } from "./codex-failure.ts";
import { errorOfEnd, logFinishedReply } from "./request-log.ts";
import { watchReply } from "./watch-reply.ts";

/** The client's request as it came: each API maps onto a Codex body its own way. */
export type CodexRequest = { api: "chat"; body: ChatRequestForCodex } | { api: "responses"; body: ResponsesRequestForCodex };

export interface CodexRepliesDeps {
  config: Pick<Config, "chatgptBaseUrls" | "retryTimes">;
  pool: Pick<AccountPool, "lease" | "report" | "reportQuota">;
  store: Pick<Store, "logRequest">;
  logger: Logger;
  fetch?: CodexFetch;
  now?: () => number;
  onAttempt?: (outcome: AttemptOutcome["type"]) => void;
  catalogs?: Pick<CodexCatalogs, "noteEtag" | "forget">;
}

export interface CodexReply {
  model: ResolvedModel;
  /** Not known before the upstream counts it: the finish delta carries the usage. */
  promptTokens: number;
  historyDisabled: true;
  deltas: ReadableStream<RenderedDelta>;
}

function codexModel(name: string): ResolvedModel {
  return { requested: name, upstreamSlug: name, gizmoId: null, imageGeneration: false, reasoning: true };
}

function toCodexBody(request: CodexRequest, sessionKey: string): ToCodexResult {
  return request.api === "chat" ? chatToCodex(request.body, { promptCacheKey: sessionKey }) : responsesToCodex(request.body, { promptCacheKey: sessionKey });
}

export class CodexReplies {
  private readonly now: () => number;

  private readonly engine: CodexEngine;

  constructor(private readonly deps: CodexRepliesDeps) {
    this.now = deps.now ?? Date.now;
    this.engine = new CodexEngine({
      config: deps.config,
      pool: deps.pool,
      logger: deps.logger,
      now: this.now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.onAttempt ? { onAttempt: deps.onAttempt } : {}),
      ...(deps.catalogs ? { catalogs: deps.catalogs } : {}),
    });
  }

  /** `attempts` gets the upstream attempts as they are made (the request log's, which logs a refusal too). */
  async reply(
    request: CodexRequest,
    caller: Caller,
    context: { bearer: string | null; signal: AbortSignal; clientKey: string | null; requestId?: string | null },
    attempts: RequestAttempt[] = [],
  ): Promise<CodexReply> {
    // the log's latency and first-token time count from here, failed attempts included: what the client waited
    const receivedAt = this.now();
    const model = codexModel(request.body.model);
    // one conversation key per caller: the prompt cache and the backend's routing follow it, and no secret shows
    const sessionKey = `chat2api-${secretDigest(context.bearer ?? "anonymous").slice(0, 24)}`;
    const converted = toCodexBody(request, sessionKey);
    if (!converted.ok) {
      const { error } = converted;
      throw new InvalidRequestError(error.message, { param: error.param, code: error.code });
    }
    if (converted.dropped.length > 0) this.deps.logger.debug("parameters the Codex backend refuses were left out", { dropped: converted.dropped });
    const turn = await this.engine.open({ model, body: converted.body, sessionKey }, caller, context.signal, attempts);

    let usage: UpstreamUsage | null = null;
    const end = (status: number): void => {
      const promptTokens = usage?.promptTokens ?? 0;
      const completionTokens = usage?.completionTokens ?? 0;
      if (turn.lease && status === 200) {
        void this.engine.report(turn.lease, { type: "success", model: model.upstreamSlug, promptTokens, completionTokens, latencyMs: this.now() - turn.startedAt, ttftMs: turn.ttftMs });
      }
      const row = { clientKey: context.clientKey, model: model.requested, promptTokens, completionTokens, status };
      const trace = { requestId: context.requestId ?? null, engine: "codex" as const, attempts, error: errorOfEnd(status) };
      logFinishedReply({ ...this.deps, now: this.now }, { ...row, ...trace, accountId: turn.lease?.accountId ?? null, startedAt: receivedAt, ttftMs: turn.startedAt + turn.ttftMs - receivedAt });
    };
    const deltas = watchReply(turn.deltas, {
      see(delta) {
        if (delta.type === "finish") usage = delta.usage ?? null;
        return delta;
      },
      end,
      clientError: (error) => (error instanceof CodexError ? codexApiError(error, model.requested, turn.lease !== null) : error),
    });
    return { model, promptTokens: 0, historyDisabled: true, deltas };
  }
}
