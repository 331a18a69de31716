/**
 * @module One upstream session: a host, an identity, and the cookies the upstream sets during one attempt
 * (Cloudflare and `oai-sc` cookies from `GET /` and chat-requirements must be replayed on `/conversation`).
 */
import { UpstreamError } from "./errors.ts";
import { backendBase, baseHeaders, type UpstreamIdentity } from "./identity.ts";

/** `fetch` as the client uses it; Bun's `proxy` option included. Tests inject their own. */
export type FetchLike = (input: string, init: RequestInit & { proxy?: string }) => Promise<Response>;

export interface SessionOptions {
  host: string;
  identity: UpstreamIdentity;
  language: string;
  authKey: string | null;
  fetch: FetchLike;
}

export interface SessionRequestInit {
  method?: "GET" | "POST" | "PUT";
  json?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Overrides the base headers entirely (the blob PUT must not carry authorization). */
  bareHeaders?: boolean;
  body?: BodyInit;
}

export class UpstreamSession {
  readonly host: string;
  readonly identity: UpstreamIdentity;
  readonly base: string;
  /** `POST /backend-api/f/conversation 200`: every call of this session in order, for the handshake log (no query, no secrets). */
  readonly calls: string[] = [];
  private readonly cookies = new Map<string, string>();
  /** Cookies of ours that a `Set-Cookie` must not replace (the 2026 `oai-did`, which must equal `oai-device-id`). */
  private readonly pinned = new Map<string, string>();
  private readonly options: SessionOptions;
  /** Headers a page of this generation sends on every backend call (2026's identity headers), by path. */
  private backendHeaders: ((path: string) => Record<string, string>) | null = null;

  constructor(options: SessionOptions) {
    this.options = options;
    this.host = options.host;
    this.identity = options.identity;
    this.base = backendBase(options.host, options.identity);
  }

  /** `path` is absolute (`https://…`), host-relative (`/`), or backend-relative (`sentinel/…`). */
  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    return path.startsWith("/") ? `${this.host}${path}` : `${this.base}/${path}`;
  }

  /** Sends `name=value` on every later call, whatever the upstream sets for that name. */
  pinCookie(name: string, value: string): void {
    this.pinned.set(name, value);
    this.cookies.set(name, value);
  }

  /**
   * From now on every backend call of this session carries these too (a call's own headers still win): the 2026
   * handshake sets them once it knows the page's build, so uploads and downloads look like the page's own calls.
   */
  setBackendHeaders(headersFor: (path: string) => Record<string, string>): void {
    this.backendHeaders = headersFor;
  }

  async request(path: string, init: SessionRequestInit): Promise<Response> {
    const url = this.url(path);
    const backend = this.backendHeaders && url.startsWith(`${this.base}/`) ? this.backendHeaders(path) : {};
    const headers: Record<string, string> = init.bareHeaders
      ? { ...init.headers }
      : {
          ...baseHeaders(this.identity, { host: this.host, language: this.options.language, authKey: this.options.authKey }),
          ...backend,
          ...init.headers,
        };
    if (!init.bareHeaders && this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    // the timeout covers the wait for the response head only: a streamed body may legitimately run for minutes
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("timeout")), init.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    const method = init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST");
    const call = `${method} ${new URL(url).pathname}`;
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method,
        headers,
        body: init.json === undefined ? init.body : JSON.stringify(init.json),
        signal,
        redirect: "manual",
        ...(this.identity.proxyUrl ? { proxy: this.identity.proxyUrl } : {}),
      });
    } catch (error) {
      this.calls.push(`${call} failed`);
      if (init.signal?.aborted) throw error;
      const reason = timeout.signal.aborted ? `timed out after ${init.timeoutMs} ms` : describeNetworkError(error);
      throw new UpstreamError("network", `Could not reach ${new URL(url).host}: ${reason}.`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    this.calls.push(`${call} ${response.status}`);
    this.remember(response);
    return response;
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      if (eq > 0 && !this.pinned.has(name)) this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${code} (${error.message})` : error.message;
  }
  return String(error);
}
