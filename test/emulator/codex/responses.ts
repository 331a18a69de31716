/**
 * @module `POST /backend-api/codex/responses`: caller, body, faults, quota, then the reply as an SSE stream with the
 * quota and identity headers of codex.md §4.1 and §5.1 (which every answer after authentication carries).
 */
import { randomBytes } from "node:crypto";
import type { FaultQueue } from "../faults.ts";
import { faultResponse } from "../faults.ts";
import { HttpError } from "../http.ts";
import type { HoldGate } from "../hold-gate.ts";
import { sseResponse } from "../sse-response.ts";
import type { EmulatorLogEntry, FaultKind } from "../types.ts";
import type { CodexAccounts } from "./accounts.ts";
import { catalogEtag, visibleModels } from "./catalog.ts";
import type { QuotaBook } from "./quota.ts";
import { planReply, type ScriptQueue } from "./reply-plan.ts";
import { type CodexCaller, codexCaller } from "./request-auth.ts";
import { type CodexRequest, readJsonBody, validateRequest } from "./request-body.ts";
import { type Ending, inputTokens, responseEvents, sseFrame } from "./response-events.ts";
import type { ReasoningSeal } from "./sealed-reasoning.ts";
import type { CodexSettings, CodexStats } from "./types.ts";

export interface ResponsesDeps {
  accounts: CodexAccounts;
  quota: QuotaBook;
  scripts: ScriptQueue;
  seal: ReasoningSeal;
  faults: FaultQueue;
  holdGate: HoldGate;
  settings: CodexSettings;
  stats: CodexStats;
  now: () => number;
  chunkDelayMs: number;
  /** Input tokens last seen per account and `prompt_cache_key`: what a repeat finds cached. */
  promptCache: Map<string, number>;
}

const DEFAULT_FAILURE_AFTER = 2;

const FAILURE_MESSAGES: Record<string, string> = {
  context_length_exceeded: "Your input exceeds the context window of this model. Please adjust your input and try again.",
  server_is_overloaded: "Our servers are currently overloaded. Please try again later.",
  rate_limit_exceeded: "Rate limit reached for requests. Please try again in 2s.",
};

function endingOf(fault: FaultKind | undefined): Ending {
  if (fault?.type === "incomplete") return { type: "incomplete", reason: fault.reason ?? "max_output_tokens" };
  if (fault?.type === "response-failed") {
    return { type: "failed", code: fault.code, message: fault.message ?? FAILURE_MESSAGES[fault.code] ?? "An error occurred while processing your request.", afterEvents: fault.afterEvents ?? DEFAULT_FAILURE_AFTER };
  }
  if (fault?.type === "error-event") return { type: "error-event", message: fault.message ?? "An error occurred while processing your request.", afterEvents: fault.afterEvents };
  return { type: "completed" };
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, { status: response.status, headers: merged });
}

function identityHeaders(request: Request, caller: CodexCaller, model: string | undefined): Record<string, string> {
  const requestId = randomBytes(16).toString("hex");
  return {
    "x-request-id": requestId,
    "x-oai-request-id": requestId,
    "cf-ray": `${randomBytes(8).toString("hex")}-IAD`,
    "x-models-etag": catalogEtag(visibleModels(caller.account.plan, caller.clientVersion)),
    // echoed within a turn, new otherwise (§2.1)
    "x-codex-turn-state": request.headers.get("x-codex-turn-state") ?? `ts_${randomBytes(12).toString("hex")}`,
    ...(model ? { "openai-model": model } : {}),
  };
}

function stream(request: CodexRequest, caller: CodexCaller, fault: FaultKind | undefined, deps: ResponsesDeps): Response {
  const { account } = caller;
  const cacheKey = request.promptCacheKey === undefined ? undefined : `${account.id}\n${request.promptCacheKey}`;
  const cachedTokens = cacheKey === undefined ? 0 : (deps.promptCache.get(cacheKey) ?? 0);
  if (cacheKey !== undefined) deps.promptCache.set(cacheKey, inputTokens(request));
  const plan = planReply(request, deps.scripts.take(account));
  const events = responseEvents({
    request,
    plan,
    createdAt: Math.floor(deps.now() / 1000),
    seal: (summary) => deps.seal.seal(account.id, summary),
    cachedTokens,
    emptyOutput: plan.emptyOutput || deps.settings.emptyCompletedOutput,
    ending: endingOf(fault),
  });
  deps.stats.streams++;
  const response = sseResponse(events.map(sseFrame), {
    delayMs: fault?.type === "slow" ? fault.delayMs : deps.chunkDelayMs,
    ...(fault?.type === "cut" ? { cutAfter: fault.afterEvents } : {}),
    ...(fault?.type === "hold" ? { hold: { after: fault.afterEvents, gate: deps.holdGate } } : {}),
  });
  const headers = new Headers({ "cache-control": "no-cache" });
  if (!deps.settings.omitContentType) headers.set("content-type", "text/event-stream");
  if (request.includeEncrypted) headers.set("x-reasoning-included", "true");
  return new Response(response.body, { status: 200, headers });
}

export async function handleResponses(request: Request, deps: ResponsesDeps, entry: EmulatorLogEntry): Promise<Response> {
  deps.stats.responses++;
  const caller = codexCaller(request.headers, deps.accounts);
  const { account } = caller;
  entry.account = account.id;
  let model: string | undefined;
  try {
    const body = await readJsonBody(request);
    // the log could not read a compressed body; show it decoded
    entry.body ??= body;
    if (typeof body.model === "string") entry.model = body.model;
    const valid = validateRequest(body, caller, deps.seal);
    model = valid.model.slug;
    const fault = deps.faults.take("codex", account, model);
    const failure = fault && faultResponse(fault);
    // Cloudflare and region blocks come from the edge, before the backend adds its headers
    if (failure && (fault.type === "cloudflare" || fault.type === "region")) return failure.response;
    if (failure) throw failure;
    try {
      deps.quota.check(account.id);
    } catch (error) {
      deps.stats.usageLimited++;
      throw error;
    }
    deps.quota.consume(account.id);
    return withHeaders(stream(valid, caller, fault, deps), { ...deps.quota.headers(account.id), ...identityHeaders(request, caller, model) });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(withHeaders(error.response, { ...deps.quota.headers(account.id), ...identityHeaders(request, caller, model) }), error.message);
  }
}
