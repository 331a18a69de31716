/**
 * @module The strict Codex backend (codex.md §9), mounted by the emulator's router on the same port as the web side:
 * `/backend-api/codex/*`, `/backend-api/wham/usage`, the Codex client's OAuth and device-code endpoints. Built once
 * per emulator; `controls` becomes `emu.codex`.
 */
import type { FaultQueue } from "../faults.ts";
import { faultResponse } from "../faults.ts";
import { detail, json } from "../http.ts";
import type { HoldGate } from "../hold-gate.ts";
import type { EmulatorLogEntry } from "../types.ts";
import { CodexAccounts } from "./accounts.ts";
import { AuthorizationCodes } from "./authorization-codes.ts";
import { catalogEtag, modelInfo, visibleModels } from "./catalog.ts";
import { handleCompact } from "./compact.ts";
import { CODEX_CLIENT_ID } from "./constants.ts";
import { DeviceAuth } from "./device-auth.ts";
import { type CodexOAuthDeps, handleAuthorize, handleCodexToken, handleRevoke } from "./oauth.ts";
import { QuotaBook } from "./quota.ts";
import { ScriptQueue } from "./reply-plan.ts";
import { authenticateCodex, codexCaller } from "./request-auth.ts";
import { handleResponses, type ResponsesDeps } from "./responses.ts";
import { ReasoningSeal } from "./sealed-reasoning.ts";
import type { AddCodexAccountInput, CodexAccount, CodexControls, CodexSettings, CodexStats } from "./types.ts";

export interface CodexBackendDeps {
  faults: FaultQueue;
  holdGate: HoldGate;
  now: () => number;
  chunkDelayMs: number;
}

export interface CodexBackend {
  /** The answer when the path is the Codex side's, else undefined (the web side's). */
  route(request: Request, url: URL, entry: EmulatorLogEntry): Promise<Response> | undefined;
  /** `POST /oauth/token` bodies naming the Codex client. */
  isCodexTokenRequest(body: Record<string, unknown>): boolean;
  token(body: Record<string, unknown>, entry: EmulatorLogEntry): Promise<Response>;
  /** The account of a Codex bearer, for the log. */
  ownerOf(bearer: string): string | undefined;
  addAccount(input?: AddCodexAccountInput): CodexAccount;
  controls: CodexControls;
  /** Clears stats, scripts and the prompt cache (accounts, tokens and quotas stay). */
  reset(): void;
}

const DEFAULT_SETTINGS: CodexSettings = { omitContentType: false, emptyCompletedOutput: false, deviceIntervalSec: 5, deviceLogin: true, revokeGrantOnReuse: false };

function emptyStats(): CodexStats {
  return {
    responses: 0,
    streams: 0,
    models: 0,
    usage: 0,
    authorize: 0,
    tokenCalls: 0,
    authorizationCodeGrants: 0,
    refreshes: 0,
    refreshReused: 0,
    revokes: 0,
    deviceUserCodes: 0,
    devicePolls: 0,
    usageLimited: 0,
  };
}

export function createCodexBackend(deps: CodexBackendDeps): CodexBackend {
  const accounts = new CodexAccounts(deps.now);
  const quota = new QuotaBook(deps.now);
  const codes = new AuthorizationCodes(deps.now);
  const scripts = new ScriptQueue();
  const settings: CodexSettings = { ...DEFAULT_SETTINGS };
  const stats = emptyStats();
  const promptCache = new Map<string, number>();
  let signedIn: string | undefined;

  const responsesDeps: ResponsesDeps = { accounts, quota, scripts, seal: new ReasoningSeal(), faults: deps.faults, holdGate: deps.holdGate, settings, stats, now: deps.now, chunkDelayMs: deps.chunkDelayMs, promptCache };
  const oauthDeps: CodexOAuthDeps = { accounts, codes, faults: deps.faults, settings, stats, signedIn: () => signedIn, signIn: (account) => (signedIn = account) };
  const device = new DeviceAuth({ accounts, codes, settings, stats, now: deps.now });

  const applyFault = (endpoint: "codex-models" | "codex-usage", account: { id: string; email: string }): void => {
    const fault = deps.faults.take(endpoint, account);
    const failure = fault && faultResponse(fault);
    if (failure) throw failure;
  };

  const models = (request: Request, url: URL, entry: EmulatorLogEntry): Response => {
    stats.models++;
    const { account } = codexCaller(request.headers, accounts);
    entry.account = account.id;
    applyFault("codex-models", account);
    const visible = visibleModels(account.plan, url.searchParams.get("client_version") ?? undefined);
    const etag = catalogEtag(visible);
    if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag } });
    return json(200, { models: visible.map(modelInfo) }, { etag });
  };

  const usage = (request: Request, entry: EmulatorLogEntry): Response => {
    stats.usage++;
    const account = authenticateCodex(request.headers, accounts);
    entry.account = account.id;
    applyFault("codex-usage", account);
    return json(200, quota.usageBody(account.id));
  };

  const route = (request: Request, url: URL, entry: EmulatorLogEntry): Promise<Response> | undefined => {
    const { pathname } = url;
    const method = request.method;
    const is = (path: string, ...methods: string[]): boolean => {
      if (pathname !== path) return false;
      if (!methods.includes(method)) throw detail(405, "Method Not Allowed");
      return true;
    };
    if (is("/backend-api/codex/responses", "POST")) return handleResponses(request, responsesDeps, entry);
    if (is("/backend-api/codex/responses/compact", "POST")) return handleCompact(request, responsesDeps, entry);
    if (is("/backend-api/codex/models", "GET")) return Promise.resolve(models(request, url, entry));
    if (is("/backend-api/wham/usage", "GET")) return Promise.resolve(usage(request, entry));
    if (is("/oauth/authorize", "GET", "POST")) return handleAuthorize(request, url, oauthDeps);
    if (is("/oauth/revoke", "POST")) return handleRevoke(request, oauthDeps, entry);
    if (is("/api/accounts/deviceauth/usercode", "POST")) return device.userCode(request);
    if (is("/api/accounts/deviceauth/token", "POST")) return device.poll(request);
    if (is("/codex/device", "GET", "POST")) return device.page(request);
    if (pathname.startsWith("/backend-api/codex/") || pathname.startsWith("/backend-api/wham/")) throw detail(404, "Not Found");
    return undefined;
  };

  const addAccount = (input: AddCodexAccountInput = {}): CodexAccount => {
    const { record, account } = accounts.add(input);
    quota.open(record.id, record.plan, input.windows, input.limit);
    return account;
  };

  const controls: CodexControls = {
    script: (...replies) => scripts.push(replies),
    clearScripts: () => scripts.clear(),
    configure(partial) {
      Object.assign(settings, partial);
    },
    settings: () => ({ ...settings }),
    issueAccessToken: (account, options = {}) => accounts.issueAccessToken(account, options),
    expireAccessTokens: (account) => accounts.expireAccessTokens(account),
    revoke: (account) => accounts.revoke(account),
    deactivate: (account) => accounts.deactivate(account),
    signIn(account) {
      if (account !== undefined) accounts.require(account);
      signedIn = account;
    },
    approveDevice: (userCode, account) => device.approve(userCode, account),
    setQuota: (account, values) => quota.set(accounts.require(account).id, values),
    exhaust: (account, windowMinutes) => quota.exhaust(accounts.require(account).id, windowMinutes),
    quota: (account) => quota.states(accounts.require(account).id),
    stats: () => ({ ...stats }),
  };

  return {
    route,
    isCodexTokenRequest: (body) => body.client_id === CODEX_CLIENT_ID,
    token: (body, entry) => handleCodexToken(body, oauthDeps, entry),
    ownerOf: (bearer) => accounts.ownerOf(bearer),
    addAccount,
    controls,
    reset() {
      Object.assign(stats, emptyStats());
      scripts.clear();
      promptCache.clear();
    },
  };
}
