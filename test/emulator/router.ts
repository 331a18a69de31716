/** @module The emulator's request router: authkey gate, caller resolution, faults, and one table of routes. */
import type { AccountRegistry, Caller } from "./accounts.ts";
import type { ChallengeSolvers } from "./challenge-solvers.ts";
import type { CodexBackend } from "./codex/index.ts";
import { type ConversationDeps, handleConversation } from "./conversation.ts";
import { faultResponse } from "./faults.ts";
import type { FileEndpoints } from "./files.ts";
import { homePage } from "./home.ts";
import { detail, HttpError, json } from "./http.ts";
import { createLogEntry } from "./log.ts";
import { modelTitle } from "./models.ts";
import { handleOAuthToken, readOAuthBody } from "./oauth.ts";
import type { SentinelSettings } from "./sentinel.ts";
import type { EmulatorLogEntry, FaultEndpoint } from "./types.ts";

export interface RouterDeps extends ConversationDeps {
  accounts: AccountRegistry;
  solvers: ChallengeSolvers;
  fileEndpoints: FileEndpoints;
  log: EmulatorLogEntry[];
  sentinelSettings: SentinelSettings;
  authKey: string | undefined;
  rotateRefreshTokens: () => boolean;
  codex: CodexBackend;
}

interface RouteContext {
  request: Request;
  url: URL;
  caller: Caller;
  params: string[];
  entry: EmulatorLogEntry;
  deps: RouterDeps;
}

interface BackendRoute {
  method: string;
  pattern: RegExp;
  /** Faults of this endpoint fire before the handler; conversation and requirements take theirs themselves. */
  faults?: FaultEndpoint;
  handle(context: RouteContext): Response | Promise<Response>;
}

const BACKEND_ROUTES: BackendRoute[] = [
  {
    method: "GET",
    pattern: /^\/models$/,
    handle: ({ caller }) => json(200, { models: caller.models.map((slug) => ({ slug, title: modelTitle(slug), tags: [] })), categories: [] }),
  },
  {
    method: "POST",
    pattern: /^\/sentinel\/chat-requirements$/,
    handle: ({ request, caller, deps }) => {
      const fault = deps.faults.take("requirements", callerKey(caller));
      const failure = fault && faultResponse(fault);
      if (failure) throw failure;
      const difficulty = fault?.type === "pow-difficulty" ? fault.difficulty : deps.sentinelSettings.difficulty;
      return deps.sentinel.handleRequirements(request, caller, { ...deps.sentinelSettings, difficulty });
    },
  },
  { method: "POST", pattern: /^\/conversation$/, handle: ({ request, caller, deps, entry }) => handleConversation(request, caller, deps, entry) },
  { method: "POST", pattern: /^\/files$/, faults: "files", handle: ({ request, caller, deps }) => deps.fileEndpoints.create(request, caller) },
  { method: "POST", pattern: /^\/files\/([\w-]+)\/uploaded$/, faults: "files", handle: ({ request, caller, deps, params }) => deps.fileEndpoints.uploaded(request, caller, params[0] ?? "") },
  { method: "GET", pattern: /^\/files\/([\w-]+)$/, faults: "files", handle: ({ caller, deps, params }) => deps.fileEndpoints.info(caller, params[0] ?? "") },
  { method: "GET", pattern: /^\/files\/([\w-]+)\/download$/, faults: "files", handle: ({ caller, deps, params }) => deps.fileEndpoints.download(caller, params[0] ?? "") },
  {
    method: "GET",
    pattern: /^\/conversation\/([\w-]+)\/attachment\/([\w-]+)\/download$/,
    faults: "files",
    handle: ({ caller, deps, params }) => deps.fileEndpoints.attachment(caller, params[0] ?? "", params[1] ?? ""),
  },
  {
    method: "GET",
    pattern: /^\/conversation\/([\w-]+)\/interpreter\/download$/,
    faults: "files",
    handle: ({ caller, deps, params, url }) => deps.fileEndpoints.interpreter(caller, params[0] ?? "", url),
  },
];

function callerKey(caller: Caller): { id: string; email?: string } {
  return caller.kind === "account" ? { id: caller.id, email: caller.email } : { id: caller.id };
}

function applyFault(deps: RouterDeps, endpoint: FaultEndpoint, caller: { id: string; email?: string }): void {
  const fault = deps.faults.take(endpoint, caller);
  const failure = fault && faultResponse(fault);
  if (failure) throw failure;
}

function requireAuthKey(request: Request, deps: RouterDeps): void {
  if (deps.authKey !== undefined && request.headers.get("authkey") !== deps.authKey) throw detail(401, "Missing or wrong authkey header");
}

async function route(request: Request, url: URL, deps: RouterDeps, entry: EmulatorLogEntry): Promise<Response> {
  const { pathname } = url;
  const codex = deps.codex.route(request, url, entry);
  if (codex) return codex;
  const backend = /^\/(backend-api|backend-anon)(\/.*)$/.exec(pathname);
  if (backend) {
    requireAuthKey(request, deps);
    const caller = deps.accounts.resolveCaller(request.headers, backend[1] === "backend-anon");
    entry.account = caller.id;
    const rest = backend[2] ?? "";
    const matches = BACKEND_ROUTES.filter((r) => r.pattern.test(rest));
    const found = matches.find((r) => r.method === request.method);
    if (!found) throw matches.length > 0 ? detail(405, "Method Not Allowed") : detail(404, "Not Found");
    if (found.faults) applyFault(deps, found.faults, callerKey(caller));
    const params = found.pattern.exec(rest)?.slice(1) ?? [];
    return found.handle({ request, url, caller, params, entry, deps });
  }
  if (pathname === "/" && request.method === "GET") {
    requireAuthKey(request, deps);
    // The page tolerates a bearer (chat2api sends one) but does not need it.
    applyFault(deps, "home", { id: entry.account === "invalid" ? "anon" : entry.account });
    return homePage();
  }
  if (pathname === "/oauth/token" && request.method === "POST") {
    deps.stats.oauthRefreshes++;
    // one token endpoint, two clients: the body's client_id says whose tokens these are
    const body = await readOAuthBody(request.clone()).catch(() => undefined);
    if (body && deps.codex.isCodexTokenRequest(body)) return deps.codex.token(body, entry);
    return handleOAuthToken(request, { accounts: deps.accounts, rotate: deps.rotateRefreshTokens(), faults: deps.faults }, entry);
  }
  if (pathname === "/_solver/turnstile" && request.method === "POST") return deps.solvers.handleTurnstile(request);
  if (pathname === "/_solver/arkose" && request.method === "POST") return deps.solvers.handleArkose(request);
  const blob = /^\/blob\/([\w-]+)$/.exec(pathname);
  if (blob?.[1] && request.method === "PUT") {
    const owner = deps.files.get(blob[1])?.ownerId ?? "anon";
    entry.account = owner;
    applyFault(deps, "files", deps.accounts.find(owner) ?? { id: owner });
    return deps.fileEndpoints.putBlob(request, blob[1], url);
  }
  const content = /^\/files-content\/([\w-]+)$/.exec(pathname);
  if (content?.[1] && request.method === "GET") return deps.fileEndpoints.content(content[1], url);
  throw detail(404, "Not Found");
}

/** Answers one request and logs it; an unexpected exception is a 500 that names the emulator as the culprit. */
export function createRouter(deps: RouterDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const entry = await createLogEntry(request, deps.now(), deps.accounts, (token) => deps.codex.ownerOf(token));
    deps.log.push(entry);
    let response: Response;
    try {
      response = await route(request, url, deps, entry);
    } catch (error) {
      if (!(error instanceof HttpError)) console.error("emulator: unexpected error", error);
      response = error instanceof HttpError ? error.response : json(500, { detail: `Emulator bug: ${String(error)}` });
    }
    entry.status = response.status;
    return response;
  };
}

