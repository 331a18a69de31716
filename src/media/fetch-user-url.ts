/**
 * @module Fetches a URL a client put in a message (image_url, UPLOAD_BY_URL) without letting it reach this
 * server's own network: every hop's host is resolved and checked, redirects are followed by hand, the size is capped
 * while streaming, and the whole fetch has one deadline.
 *
 * DNS rebinding: a name checked here could resolve to another address when fetch connects. Without a proxy we close
 * that gap by connecting to the address we checked (the URL's host replaced by it, `Host` and the TLS server name
 * kept as the original name, so certificates are still verified against the name). Through EXPORT_PROXY_URL the
 * proxy resolves the name itself: our check still refuses names that resolve privately here, but a name that
 * resolves differently at the proxy is the proxy's to police.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { readBodyBytes } from "../http/read-body-bytes.ts";
import type { ByteBudget } from "./byte-budget.ts";
import { classifyAddress } from "./classify-address.ts";
import { describeLimit, MediaError } from "./media-error.ts";

export type UrlFetch = (
  input: string,
  init: RequestInit & { proxy?: string; tls?: { serverName?: string } },
) => Promise<Response>;

export interface FetchUserUrlOptions {
  proxyUrl: string | null;
  allowPrivate: boolean;
  maxBytes: number;
  /** The request's media budget (MAX_MEDIA_SIZE), charged as the body arrives. */
  budget?: ByteBudget;
  /** The deadline for all hops and the body together; default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: UrlFetch;
  lookup?: (host: string) => Promise<string[]>;
}

export interface FetchedUrl {
  bytes: Uint8Array<ArrayBuffer>;
  /** The response's `Content-Type` without parameters, lower case; `application/octet-stream` when absent. */
  mimeType: string;
  finalUrl: string;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function systemLookup(host: string): Promise<string[]> {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}

function parseUserUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MediaError("unsupported-url", "the URL is not valid");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MediaError("unsupported-url", `only http and https URLs can be fetched, not ${url.protocol}`);
  }
  return url;
}

/** The address to connect to (checked), or null when the URL may be fetched as it is. */
async function checkHost(url: URL, options: FetchUserUrlOptions): Promise<string | null> {
  if (options.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host) !== 0;
  let addresses: string[];
  if (literal) addresses = [host];
  else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch (error) {
      throw new MediaError("unresolvable", `the host ${host} could not be resolved`, { cause: error });
    }
    if (addresses.length === 0) throw new MediaError("unresolvable", `the host ${host} could not be resolved`);
  }
  // one bad address is enough to refuse: fetch may pick any of them
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind !== null) {
      const article = /^[aeiou]/.test(kind) ? "an" : "a";
      const verb = literal ? "is" : "resolves to";
      throw new MediaError("blocked-address", `the host ${host} ${verb} ${article} ${kind} address, which user URLs may not reach (ALLOW_PRIVATE_URLS is off)`);
    }
  }
  return addresses[0] ?? null;
}

interface Dial {
  target: string;
  headers: Record<string, string>;
  tls?: { serverName: string };
}

function dialFor(url: URL, pinned: string | null, proxied: boolean): Dial {
  const headers: Record<string, string> = { accept: "image/*,application/pdf,*/*;q=0.8" };
  if (pinned === null || proxied || isIP(url.hostname.replace(/^\[|\]$/g, "")) !== 0) return { target: url.href, headers };
  const dialed = new URL(url.href);
  dialed.hostname = isIP(pinned) === 6 ? `[${pinned}]` : pinned;
  headers.host = url.host;
  return { target: dialed.href, headers, ...(url.protocol === "https:" ? { tls: { serverName: url.hostname } } : {}) };
}

async function readCapped(response: Response, maxBytes: number, budget?: ByteBudget): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get("content-length"));
  try {
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new MediaError("too-large", `the file is larger than the limit of ${describeLimit(maxBytes)} (the server announced ${declared} bytes)`);
    }
    if (Number.isFinite(declared)) budget?.check(declared);
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    throw error;
  }
  if (!response.body) return new Uint8Array(0);
  return readBodyBytes(response.body, maxBytes, {
    tooLarge: () => new MediaError("too-large", `the file is larger than the limit of ${describeLimit(maxBytes)}`),
    ...(budget ? { onChunk: (bytes: number) => budget.charge(bytes) } : {}),
  });
}

function mimeOf(response: Response): string {
  const type = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return type || "application/octet-stream";
}

export async function fetchUserUrl(text: string, options: FetchUserUrlOptions): Promise<FetchedUrl> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const doFetch: UrlFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let url = parseUserUrl(text);
  try {
    for (let hop = 0; ; hop++) {
      const pinned = await checkHost(url, options);
      const dial = dialFor(url, pinned, options.proxyUrl !== null);
      const response = await doFetch(dial.target, {
        method: "GET",
        headers: dial.headers,
        redirect: "manual",
        signal,
        ...(dial.tls ? { tls: dial.tls } : {}),
        ...(options.proxyUrl ? { proxy: options.proxyUrl } : {}),
      });
      const location = response.headers.get("location");
      if (REDIRECT_STATUSES.has(response.status) && location) {
        await response.body?.cancel().catch(() => {});
        if (hop >= MAX_REDIRECTS) throw new MediaError("too-many-redirects", `the URL redirected more than ${MAX_REDIRECTS} times`);
        url = parseUserUrl(new URL(location, url).href);
        continue;
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => {});
        throw new MediaError("http-status", `fetching the URL failed with HTTP ${response.status}`, { status: response.status });
      }
      return { bytes: await readCapped(response, options.maxBytes, options.budget), mimeType: mimeOf(response), finalUrl: url.href };
    }
  } catch (error) {
    if (error instanceof MediaError) throw error;
    if (options.signal?.aborted) throw error;
    if (deadline.aborted) throw new MediaError("timeout", `fetching the URL took longer than ${timeoutMs} ms`, { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    throw new MediaError("network", `the URL could not be fetched (${reason})`, { cause: error });
  }
}
