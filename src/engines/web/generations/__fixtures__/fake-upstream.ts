/**
 * @module A scripted upstream for the generation tests: a `fetch` that answers the 2024 or the 2026 endpoints (and
 * 404 `{"detail":"Not Found"}` for the others), records every call with its headers and body, and lets a test
 * replace one route's answer. Proofs are checked with the independent verifier, so a test can say which hash passes.
 */
import { createLogger, type Logger } from "../../../../logger.ts";
import type { PowSolver } from "../../client.ts";
import { createIdentity, type UpstreamIdentity } from "../../identity.ts";
import type { PowHash } from "../../pow/proof-search.ts";
import { requirementsToken, solveProofOfWork } from "../../pow/solve.ts";
import { verifyProofOfWork } from "../../pow/verify.ts";
import type { FetchLike } from "../../session.ts";

export const HOST = "https://up.example";
export const DATA_BUILD = "prod-0123456789abcdef0123456789abcdef01234567";
export const SEED = "0.8118613382182117";
export const DIFFICULTY = "0fffff";

export interface SeenCall {
  method: string;
  /** Path without the host, e.g. `/backend-api/f/conversation`. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
}

export type Route = (call: SeenCall, n: number) => Response | Promise<Response>;

const SSE = await Bun.file(new URL("../../sse/__fixtures__/text-v1.sse", import.meta.url)).text();

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
export const stream = () => new Response(SSE, { status: 200, headers: { "content-type": "text/event-stream" } });
export const notFound = () => json(404, { detail: "Not Found" });

export interface FakeOptions {
  generation: "2024" | "2026";
  /** Which hashes finalize (2026) and the write (2024) accept. */
  accepts?: readonly PowHash[];
  turnstileRequired?: boolean;
}

export function fakeUpstream(options: FakeOptions) {
  const calls: SeenCall[] = [];
  const overrides = new Map<string, Route>();
  const accepts = options.accepts ?? (options.generation === "2026" ? ["fnv"] : ["sha3"]);
  const proofOk = (proof: unknown) => typeof proof === "string" && accepts.some((hash) => verifyProofOfWork(SEED, DIFFICULTY, proof, hash));
  let issued = 0;
  const challenges = () => ({
    persona: "chatgpt-freeaccount",
    proofofwork: { required: true, seed: SEED, difficulty: DIFFICULTY },
    turnstile: { required: options.turnstileRequired === true, dx: "dx-program" },
    arkose: { required: false },
  });
  const routes2026: Record<string, Route> = {
    "GET /": () =>
      new Response(`<html data-build="${DATA_BUILD}"><script src="https://cdn.example/app.js"></script><script>{"buildNumber":7654321}</script></html>`, {
        headers: { "content-type": "text/html", "set-cookie": "oai-did=server-issued-did; Path=/" },
      }),
    "POST /sentinel/chat-requirements/prepare": () => json(200, { ...challenges(), prepare_token: `prepare-${++issued}`, so: { required: false } }),
    "POST /sentinel/chat-requirements/finalize": (call) => {
      if (!proofOk(call.body?.proofofwork)) return json(403, { detail: "proof of work does not meet the difficulty" });
      return json(200, { persona: "chatgpt-freeaccount", token: `write-${++issued}`, expire_after: 540, so_token: `so-${issued}` });
    },
    "POST /f/conversation/prepare": () => json(200, { status: "ok", conduit_token: `conduit-${++issued}` }),
    "POST /f/conversation": () => stream(),
  };
  const routes2024: Record<string, Route> = {
    "GET /": routes2026["GET /"] as Route,
    "POST /sentinel/chat-requirements": () => json(200, { ...challenges(), token: `req-${++issued}` }),
    "POST /conversation": (call) => (proofOk(call.headers["openai-sentinel-proof-token"]) ? stream() : json(403, { detail: "bad proof" })),
  };
  const routes = options.generation === "2026" ? routes2026 : routes2024;

  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers = Object.fromEntries(new Headers(init.headers as HeadersInit).entries());
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : null;
    const call: SeenCall = { method: init.method ?? "GET", path: url.pathname, headers, body };
    calls.push(call);
    const key = `${call.method} ${url.pathname.replace(/^\/backend-(api|anon)/, "")}`;
    const route = overrides.get(key) ?? routes[key];
    return route ? route(call, calls.filter((c) => `${c.method} ${c.path.replace(/^\/backend-(api|anon)/, "")}` === key).length) : notFound();
  };

  return {
    fetch,
    calls,
    /** `METHOD path` without `/backend-api`: answered by `route` from now on. */
    override(key: string, route: Route) {
      overrides.set(key, route);
    },
    /** `METHOD /path` of every call, in order. */
    sequence: () => calls.map((call) => `${call.method} ${call.path}`),
    reset() {
      calls.length = 0;
    },
  };
}

/** The real solver, synchronously: the tests check which hash each answer used. */
export const pow: PowSolver = {
  solve: async ({ seed, difficulty, config, hash }) => solveProofOfWork(seed, difficulty, config, hash ? { hash } : {}),
  requirementsToken: async (config) => requirementsToken(config),
};

export const CHROME_148 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36";

export function account(): UpstreamIdentity {
  return createIdentity({ accessToken: "account-token", teamAccountId: null }, { userAgents: [CHROME_148], proxyUrls: [] });
}

export function anonymous(): UpstreamIdentity {
  return createIdentity({ accessToken: null, teamAccountId: null }, { userAgents: [CHROME_148], proxyUrls: [] });
}

/** A logger whose lines a test can read. */
export function recordingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", format: "json", write: (line) => raw.push(line) });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
