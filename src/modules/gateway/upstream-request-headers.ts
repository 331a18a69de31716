/**
 * @module The headers a gateway request carries upstream: a whitelist of what a ChatGPT web client sends (upstream.md
 * §3.1, §9.3; web-2026.md §2), never hop-by-hop or forwarding headers (they would reveal the client and this hop), plus our own.
 */
import { hopByHopNames } from "./hop-by-hop.ts";

const EXACT = new Set([
  "authorization",
  "accept",
  "accept-language",
  "content-type",
  "content-length",
  "chatgpt-account-id",
  "user-agent",
  "cookie",
  "priority",
  // 2026 (web-2026.md §2.1, §2.2): the conduit token of f/conversation and the target path of every call
  "x-conduit-token",
]);

const PREFIXES = ["oai-", "x-oai-", "x-openai-target-", "openai-sentinel-", "sec-ch-ua", "sec-fetch-"];

export interface UpstreamRequestHeaderOptions {
  /** The chosen `CHATGPT_BASE_URL` host: the upstream expects its own origin, not the client's. */
  host: string;
  /** `AUTH_KEY`, this server's key for a private gateway upstream. */
  authKey: string | null;
}

function allowed(name: string): boolean {
  return EXACT.has(name) || PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * `accept-encoding` is left to Bun, which negotiates and decodes what it asked for, so the client always gets the
 * identity encoding. An incoming `authkey` is the client's key for this hop and stays here.
 */
export function upstreamRequestHeaders(incoming: Headers, { host, authKey }: UpstreamRequestHeaderOptions): Headers {
  const dropped = hopByHopNames(incoming);
  const headers = new Headers();
  for (const [name, value] of incoming) {
    if (allowed(name) && !dropped.has(name)) headers.append(name, value);
  }
  headers.set("origin", host);
  headers.set("referer", `${host}/`);
  if (authKey) headers.set("authkey", authKey);
  return headers;
}
