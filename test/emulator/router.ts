/**
 * @module The emulator's request router: authkey gate, caller resolution, faults, and the route tables of the web
 * generation in force (2024 routes, 2026 routes, the routes both have).
 */
import { type BackendRoute, callerKey, requirementsSettings, type RouterDeps, takeFault } from "./backend-route.ts";
import { handleConversation } from "./conversation.ts";
import { homePage } from "./home.ts";
import { detail, HttpError, json } from "./http.ts";
import { appendToLog, createLogEntry } from "./log.ts";
import { modelTitle } from "./models.ts";
import { handleOAuthToken, readOAuthBody } from "./oauth.ts";
import { RULES_2024 } from "./sentinel.ts";
import { decodeConfig2026, verifyProof2026 } from "./web2026/fnv.ts";
import { homePage2026 } from "./web2026/home.ts";
import { checkIdentityHeaders } from "./web2026/identity-headers.ts";
import { callerFor2026, title2026 } from "./web2026/models.ts";
import { ROUTES_2026 } from "./web2026/routes.ts";
import type { EmulatorLogEntry } from "./types.ts";
import type { WebMode } from "./web2026/settings.ts";
import { REQUIREMENTS_PREFIX } from "./pow-verify.ts";

export type { RouterDeps } from "./backend-route.ts";

/** Routes both generations serve. */
const SHARED_ROUTES: BackendRoute[] = [
  {
    method: "GET",
    pattern: /^\/models$/,
    handle: ({ caller, deps }) => {
      const title = deps.mode.generation === "2026" ? title2026 : modelTitle;
      return json(200, { models: caller.models.map((slug) => ({ slug, title: title(slug), tags: [] })), categories: [] });
    },
  },
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

/** A 2026 server that still has the single-step endpoint reads 2026 configs and takes FNV or SHA3 proofs. */
const LEGACY_RULES_2026 = {
  readConfig: (p: string) => decodeConfig2026(p, REQUIREMENTS_PREFIX),
  check: (token: string, seed: string, difficulty: string) => verifyProof2026(token, seed, difficulty, true),
};

/** The 2024 single-step sentinel and write (404 in 2026 mode unless `legacyEndpoints` is "200"). */
const LEGACY_ROUTES: BackendRoute[] = [
  {
    method: "POST",
    pattern: /^\/sentinel\/chat-requirements$/,
    handle: ({ request, caller, deps }) => deps.sentinel.handleRequirements(request, caller, requirementsSettings(deps, caller), deps.mode.generation === "2026" ? LEGACY_RULES_2026 : RULES_2024),
  },
  { method: "POST", pattern: /^\/conversation$/, handle: ({ request, caller, deps, entry }) => handleConversation(request, caller, deps, entry) },
];

function routesFor(mode: WebMode): BackendRoute[] {
  if (mode.generation === "2024") return [...SHARED_ROUTES, ...LEGACY_ROUTES];
  return [...SHARED_ROUTES, ...ROUTES_2026, ...(mode.settings.legacyEndpoints === "200" ? LEGACY_ROUTES : [])];
}

function requireAuthKey(request: Request, deps: RouterDeps): void {
  if (deps.authKey !== undefined && request.headers.get("authkey") !== deps.authKey) throw detail(401, "Missing or wrong authkey header");
}

async function route(request: Request, url: URL, deps: RouterDeps, entry: EmulatorLogEntry): Promise<Response> {
  const { pathname } = url;
  const codex = deps.codex.route(request, url, entry);
  if (codex) return codex;
  if (pathname === "/backend-api/estuary/content" && request.method === "GET" && deps.mode.generation === "2026") {
    // the bearer is checked against the file's owner here: no bearer is a 403, not the backend's 401
    const caller = request.headers.has("authorization") ? deps.accounts.resolveCaller(request.headers, false) : null;
    entry.account = caller?.id ?? "anon";
    return deps.fileEndpoints.estuary(caller, url);
  }
  const backend = /^\/(backend-api|backend-anon)(\/.*)$/.exec(pathname);
  if (backend) {
    requireAuthKey(request, deps);
    const resolved = deps.accounts.resolveCaller(request.headers, backend[1] === "backend-anon");
    entry.account = resolved.id;
    if (resolved.kind === "account" && deps.sessions.isRevoked(resolved.id)) throw detail(401, "Your session has been revoked. Please sign in again.");
    const rest = backend[2] ?? "";
    const matches = routesFor(deps.mode).filter((r) => r.pattern.test(rest));
    const found = matches.find((r) => r.method === request.method);
    if (!found) throw matches.length > 0 ? detail(405, "Method Not Allowed") : detail(404, "Not Found");
    const is2026 = deps.mode.generation === "2026";
    if (is2026) checkIdentityHeaders(request.headers, pathname, deps.mode.settings.deviceCookieStrict);
    const caller = is2026 ? callerFor2026(resolved, deps.mode.settings.retiredSlugs) : resolved;
    if (found.faults) takeFault(deps, found.faults, callerKey(caller));
    const params = found.pattern.exec(rest)?.slice(1) ?? [];
    return found.handle({ request, url, caller, params, entry, deps, deviceId: request.headers.get("oai-device-id") ?? "" });
  }
  if (pathname === "/" && request.method === "GET") {
    requireAuthKey(request, deps);
    // The page tolerates a bearer (chat2api sends one) but does not need it.
    takeFault(deps, "home", { id: entry.account === "invalid" ? "anon" : entry.account });
    return deps.mode.generation === "2026" ? homePage2026() : homePage();
  }
  if (pathname === "/api/auth/session") return deps.sessions.handle(request, entry);
  if (pathname === "/oauth/token" && request.method === "POST") {
    deps.stats.oauthRefreshes++;
    // one token endpoint, two clients: the body's client_id says whose tokens these are
    const body = await readOAuthBody(request.clone()).catch(() => undefined);
    if (body && deps.codex.isCodexTokenRequest(body)) return deps.codex.token(body, entry);
    return handleOAuthToken(request, { accounts: deps.accounts, rotate: deps.rotateRefreshTokens(), faults: deps.faults, stats: deps.stats }, entry);
  }
  if (pathname === "/_solver/turnstile" && request.method === "POST") return deps.solvers.handleTurnstile(request);
  if (pathname === "/_solver/arkose" && request.method === "POST") return deps.solvers.handleArkose(request);
  const blob = /^\/blob\/([\w-]+)$/.exec(pathname);
  if (blob?.[1] && request.method === "PUT") {
    const owner = deps.files.get(blob[1])?.ownerId ?? "anon";
    entry.account = owner;
    takeFault(deps, "files", deps.accounts.find(owner) ?? { id: owner });
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
    entry.generation = deps.mode.generation;
    appendToLog(deps.log, entry, deps.logLimit);
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

