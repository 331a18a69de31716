/**
 * @module What every API route reads from the HTTP request before calling a service: the bearer, the Team
 * workspace id, the client's going-away signal, and the key's short hash for the request log.
 */
import type { ReplyContext } from "../reply/reply-service.ts";
import { secretDigest } from "../pool/token-kind.ts";

export function bearerOf(header: string | null): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  return match?.[1]?.trim() || null;
}

/**
 * The request log's name for a client key: `key:` and 8 hex of its SHA-256, never any of its characters (a `,<team
 * id>` suffix is not part of the key): enough to tell the keys in a log apart.
 */
export function clientKeyLabel(bearer: string): string {
  const key = bearer.split(",", 1)[0]?.trim() ?? "";
  return `key:${secretDigest(key).slice(0, 8)}`;
}

const requestIds = new WeakMap<Request, string>();

/** app.ts names each request here (its `x-request-id`), so the request log carries the id the access log shows. */
export function rememberRequestId(request: Request, id: string): void {
  requestIds.set(request, id);
}

/** Requests a service took on (it logs them itself, however they end) or a gate already logged as refused. */
const loggedElsewhere = new WeakSet<Request>();

/** This request's row in the request log is written by whoever took it on: the app's error handler must not add one. */
export function markLogged(request: Request): void {
  loggedElsewhere.add(request);
}

export function isLogged(request: Request): boolean {
  return loggedElsewhere.has(request);
}

/** Who sent a request and its id, for the request log's row of a request refused before any service ran. */
export function requestTraceOf(request: Request): { clientKey: string | null; requestId: string | null } {
  const bearer = bearerOf(request.headers.get("authorization"));
  return { clientKey: bearer ? clientKeyLabel(bearer) : null, requestId: requestIds.get(request) ?? null };
}

/** What tells a request's peer address (Bun's server); absent when a test calls the app without one. */
export interface PeerAddressSource {
  requestIP(request: Request): { address: string } | null;
}

/**
 * This server's `…/v1/assets/` as the client reached it (API_PREFIX included, the scheme a TLS-terminating proxy
 * names in `x-forwarded-proto`), for links to files chat2api serves itself.
 */
export function assetBaseOf(request: Request): string {
  const url = new URL(request.url);
  const at = url.pathname.indexOf("/v1/");
  const prefix = at >= 0 ? url.pathname.slice(0, at) : "";
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const origin = proto === "https" || proto === "http" ? `${proto}://${url.host}` : url.origin;
  return `${origin}${prefix}/v1/assets/`;
}

/** `bodyTeamAccountId`: chat2api users send the Team id as the body key `Chatgpt-Account-Id`; the header wins. */
export function replyContextOf(request: Request, bodyTeamAccountId?: string | null, server?: PeerAddressSource | null): ReplyContext {
  // the reply service logs it from here on
  markLogged(request);
  const bearer = bearerOf(request.headers.get("authorization"));
  const aborter = new AbortController();
  request.signal.addEventListener("abort", () => aborter.abort(), { once: true });
  return {
    bearer,
    teamAccountId: request.headers.get("chatgpt-account-id") ?? bodyTeamAccountId ?? null,
    // asked of the socket only when a budget needs it: a system call and an object per request otherwise
    clientAddress: () => server?.requestIP(request)?.address ?? null,
    signal: aborter.signal,
    clientKey: bearer ? clientKeyLabel(bearer) : null,
    assetBase: assetBaseOf(request),
    requestId: requestIds.get(request) ?? null,
  };
}
