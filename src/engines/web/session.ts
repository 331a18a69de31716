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
  private readonly cookies = new Map<string, string>();
  private readonly options: SessionOptions;

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

  async request(path: string, init: SessionRequestInit): Promise<Response> {
    const headers: Record<string, string> = init.bareHeaders
      ? { ...init.headers }
      : {
          ...baseHeaders(this.identity, { host: this.host, language: this.options.language, authKey: this.options.authKey }),
          ...init.headers,
        };
    if (!init.bareHeaders && this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    // the timeout covers the wait for the response head only: a streamed body may legitimately run for minutes
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("timeout")), init.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    const url = this.url(path);
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST"),
        headers,
        body: init.json === undefined ? init.body : JSON.stringify(init.json),
        signal,
        redirect: "manual",
        ...(this.identity.proxyUrl ? { proxy: this.identity.proxyUrl } : {}),
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const reason = timeout.signal.aborted ? `timed out after ${init.timeoutMs} ms` : describeNetworkError(error);
      throw new UpstreamError("network", `Could not reach ${new URL(url).host}: ${reason}.`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    this.remember(response);
    return response;
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
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
