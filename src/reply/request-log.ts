/** @module One row of the request log per reply, however it ended; a failed write is logged, never thrown at the client. */
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";

export interface FinishedReply {
  clientKey: string | null;
  accountId: string | null;
  /** The model name the client asked for. */
  model: string;
  promptTokens: number;
  completionTokens: number;
  status: number;
  startedAt: number;
  ttftMs: number | null;
}

export function logFinishedReply(deps: { store: Pick<Store, "logRequest">; logger: Logger; now: () => number }, reply: FinishedReply): void {
  const at = deps.now();
  void deps.store
    .logRequest({
      at,
      clientKey: reply.clientKey ?? "anonymous",
      accountId: reply.accountId,
      model: reply.model,
      promptTokens: reply.promptTokens,
      completionTokens: reply.completionTokens,
      status: reply.status,
      latencyMs: at - reply.startedAt,
      ttftMs: reply.ttftMs,
    })
    .catch((error: unknown) => deps.logger.warn("request log write failed", { error }));
}
