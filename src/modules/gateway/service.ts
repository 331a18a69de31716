/**
 * @module The pass-through gateway (ENABLE_GATEWAY, upstream.md §9.3): one request under /backend-api or
 * /backend-anon forwarded to a CHATGPT_BASE_URL host, both bodies streamed, so another chat2api or a browser client
 * can use this server as its upstream. Knows nothing of Elysia.
 */
import type { Config } from "../../config.ts";
import { PayloadTooLargeError, UpstreamFailureError } from "../../errors.ts";
import { limitBodyStream } from "../../http/limit-body-stream.ts";
import { type Logger, redactText } from "../../logger.ts";
import type { FetchLike } from "../../engines/web/session.ts";
import { admitGatewayCaller } from "./admit-gateway-caller.ts";
import { bindUpstreamRoute } from "./bind-upstream-route.ts";
import { clientResponseHeaders } from "./client-response-headers.ts";
import { upstreamRequestHeaders } from "./upstream-request-headers.ts";

export type GatewayConfig = Pick<Config, "apiPrefix" | "authorizationKeys" | "adminKey" | "authKey" | "chatgptBaseUrls" | "proxyUrls" | "maxBodyBytes">;

export interface GatewayServiceOptions {
  config: GatewayConfig;
  logger: Logger;
  fetch?: FetchLike;
  /** How long to wait for the upstream's response head; the body may then stream for as long as it likes. */
  headTimeoutMs?: number;
}

/** Bun names the proxy URL in some errors: its user:password must not reach the client. */
function describeNetworkError(error: unknown): string {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  const described = typeof code === "string" && !text.includes(code) ? `${code} (${text})` : text;
  return redactText(described.replace(/\/\/[^/@\s]+@/g, "//"));
}

export class GatewayService {
  private readonly config: GatewayConfig;
  private readonly logger: Logger;
  private readonly fetch: FetchLike;
  private readonly headTimeoutMs: number;
  private readonly prefix: string;

  constructor({ config, logger, fetch: fetchLike, headTimeoutMs = 60_000 }: GatewayServiceOptions) {
    this.config = config;
    this.logger = logger;
    this.fetch = fetchLike ?? ((input, init) => fetch(input, init));
    this.headTimeoutMs = headTimeoutMs;
    this.prefix = config.apiPrefix ? `/${config.apiPrefix}` : "";
  }

  async forward(request: Request): Promise<Response> {
    const caller = admitGatewayCaller(request.headers, this.config);
    const { host, proxyUrl } = bindUpstreamRoute(caller.stickyKey, this.config);
    const incoming = new URL(request.url);
    // the raw path, percent-escapes intact: decoding and re-encoding could change what the upstream sees
    const path = incoming.pathname.slice(this.prefix.length);
    // MAX_BODY_SIZE holds on the bytes forwarded too: a chunked body is cut before the first byte past it
    const body = request.method !== "GET" && request.method !== "HEAD" && request.body !== null ? limitBodyStream(request.body, this.config.maxBodyBytes) : null;

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("timeout")), this.headTimeoutMs);
    let upstream: Response;
    try {
      upstream = await this.fetch(`${host}${path}${incoming.search}`, {
        method: request.method,
        headers: upstreamRequestHeaders(request.headers, { host, authKey: this.config.authKey }),
        body: body?.stream ?? null,
        // the client leaving aborts the upstream request, mid-body included
        signal: AbortSignal.any([request.signal, timeout.signal]),
        redirect: "manual",
        ...(proxyUrl ? { proxy: proxyUrl } : {}),
      });
    } catch (error) {
      if (request.signal.aborted) throw error;
      if (body?.exceeded()) throw new PayloadTooLargeError(this.config.maxBodyBytes);
      const upstreamHost = new URL(host).host;
      if (timeout.signal.aborted) {
        throw new UpstreamFailureError(504, `${upstreamHost} did not answer within ${this.headTimeoutMs / 1000} s.`, { code: "upstream_timeout" });
      }
      throw new UpstreamFailureError(502, `Could not reach ${upstreamHost}: ${describeNetworkError(error)}.`, {
        code: "upstream_unreachable",
      });
    } finally {
      clearTimeout(timer);
    }
    this.logger.debug("gateway", { method: request.method, path, host, status: upstream.status, caller: caller.kind });
    // the body goes on as a stream: event streams reach the client event by event
    return new Response(upstream.body, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: clientResponseHeaders(upstream.headers, { host, prefix: this.prefix }),
    });
  }
}
