/**
 * @module Composes the Elysia app: request ids, CORS, body limit, the one error handler (OpenAI's error shape),
 * docs, and the feature modules, all under API_PREFIX when it is set.
 */
import { Elysia, type AnyElysia } from "elysia";
import { ApiError, InternalError, InvalidRequestError, NotFoundError, PayloadTooLargeError } from "./errors.ts";
import { corsHeaders, preflightHeaders } from "./http/cors-headers.ts";
import { logPath } from "./http/log-path.ts";
import { readJsonBody } from "./http/read-json-body.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics/metrics.ts";
import { isManagementPath } from "./modules/admin/management-paths.ts";
import { docsModule } from "./modules/docs/index.ts";
import { isLogged, rememberRequestId } from "./modules/request-context.ts";
import { explainValidation } from "./modules/validation-param.ts";
import { apiErrorOf } from "./reply/api-error-of.ts";

export interface AppOptions {
  apiPrefix: string | null;
  maxBodyBytes: number;
  logger: Logger;
  version: string;
  /** Feature modules, each one Elysia instance. */
  modules: AnyElysia[];
  /** Modules that read the raw body stream themselves (the gateway forwards it): mounted before the body parser. */
  rawBodyModules?: AnyElysia[];
  /** Origins allowed to call management routes from a browser (ADMIN_ORIGINS); the API's CORS stays open. */
  adminOrigins?: readonly string[];
  /**
   * Told of an API request (`POST …/v1/…`) refused before any service took it on (a body that fails validation,
   * JSON that does not parse, a body too large), so the request log has a row for it too; `body` as far as it was read.
   */
  onRefusedBeforeService?: (request: Request, error: ApiError, body: unknown) => void;
  /** Told of every answered request, by route pattern. */
  metrics?: Pick<Metrics, "observeRequest">;
  /** Told as each request comes in, before anything else is done with it. */
  onRequest?: () => void;
}

function errorResponse(error: ApiError, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.status,
    headers: { ...headers, ...error.headers, "content-type": "application/json" },
  });
}

/** The route pattern without API_PREFIX (a secret); "unmatched" when no route matched, so raw paths never become labels. */
function routeLabel(route: string | undefined, prefix: string): string {
  if (!route) return "unmatched";
  return prefix && route.startsWith(prefix) ? route.slice(prefix.length) || "/" : route;
}

/** The path without API_PREFIX, for judging which surface a request is for. */
function unprefixed(path: string, prefix: string): string {
  return prefix && path.startsWith(prefix) ? path.slice(prefix.length) || "/" : path;
}

export function createApp({ apiPrefix, maxBodyBytes, logger, version, modules, rawBodyModules = [], adminOrigins = [], metrics, onRefusedBeforeService, onRequest }: AppOptions) {
  const prefix = apiPrefix ? `/${apiPrefix}` : "";
  let app = new Elysia({ prefix }).use(docsModule({ prefix, version }));
  for (const module of modules) app = app.use(module);
  let rawApp = new Elysia({ prefix });
  for (const module of rawBodyModules) rawApp = rawApp.use(module);
  const corsContext = (request: Request, path: string) => ({
    origin: request.headers.get("origin"),
    management: isManagementPath(unprefixed(path, prefix)),
    adminOrigins,
  });

  const startedAt = new WeakMap<Request, number>();
  /** One access line and one metrics observation per request, wherever its response was made. */
  const record = (request: Request, set: { status?: unknown; headers: unknown }, path: string, route: string | undefined): void => {
    const began = startedAt.get(request);
    const status = typeof set.status === "number" ? set.status : 200;
    const elapsedMs = began === undefined ? null : performance.now() - began;
    logger.info("request", {
      method: request.method,
      path: logPath(path, apiPrefix),
      status,
      ms: elapsedMs === null ? null : Math.round(elapsedMs),
      requestId: (set.headers as Record<string, string>)["x-request-id"],
    });
    metrics?.observeRequest({ method: request.method, route: routeLabel(route, prefix), status, seconds: (elapsedMs ?? 0) / 1000 });
  };
  // Elysia composes each route's handler as code on first use (aot). Its dynamic handler (aot: false) makes none, and
  // an idle server was 0.8 MiB smaller, but 200 concurrent streams peaked 5-8 MiB higher, and it is another request
  // path: no `server` for hooks, `parse: "none"` ignored, no `mapResponse` on a reply (bench/RESULTS.md, sixteenth
  // session)
  return new Elysia()
    .onRequest(({ request, set }) => {
      onRequest?.();
      startedAt.set(request, performance.now());
      const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
      rememberRequestId(request, requestId);
      const pathname = new URL(request.url).pathname;
      const cors = corsContext(request, pathname);
      Object.assign(set.headers, corsHeaders(cors), { "x-request-id": requestId });
      if (request.method === "OPTIONS") {
        set.status = 204;
        // Elysia runs no later hook for a response made here: record it now
        record(request, set, pathname, undefined);
        return new Response(null, {
          status: 204,
          headers: { ...(set.headers as Record<string, string>), ...preflightHeaders(cors, request.headers.get("access-control-request-headers")) },
        });
      }
      // a declared length over the limit is refused before a byte is read; the parser counts the rest (chunked too)
      const length = Number(request.headers.get("content-length") ?? "0");
      if (length > maxBodyBytes) {
        set.status = 413;
        record(request, set, pathname, undefined);
        return errorResponse(new PayloadTooLargeError(maxBodyBytes), set.headers as Record<string, string>);
      }
    })
    .onError(({ code, error, request, set, path, body }) => {
      const headers = { ...(set.headers as Record<string, string>) };
      if (request.signal.aborted) {
        // the client left before the answer (nginx's 499): its leaving is the failure, not a fault of ours
        set.status = 499;
        return new Response(null, { status: 499, headers });
      }
      let apiError: ApiError;
      const fact = apiErrorOf(error);
      if (fact instanceof ApiError) {
        apiError = fact;
      } else if (code === "PARSE" && error.cause instanceof ApiError) {
        // the body reader's own refusal (413, 415, too deep), which Elysia wraps in its ParseError
        apiError = error.cause;
      } else if (code === "VALIDATION") {
        const { param, message } = explainValidation(error);
        apiError = new InvalidRequestError(message, { param, code: message.startsWith("Missing") ? "missing_required_parameter" : "invalid_type" });
      } else if (code === "PARSE") {
        apiError = new InvalidRequestError(
          "We could not parse the JSON body of your request. Send valid JSON with Content-Type: application/json.",
          { code: "invalid_json" },
        );
      } else if (code === "NOT_FOUND") {
        apiError = new NotFoundError(`Invalid URL (${request.method} ${path})`, { code: "unknown_url" });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        if (/body.*(too large|exceed)|payload too large/i.test(message)) {
          apiError = new PayloadTooLargeError(maxBodyBytes);
        } else {
          logger.error("unhandled error", { path: logPath(path, apiPrefix), error });
          apiError = new InternalError();
        }
      }
      if (apiError.status >= 500) logger.warn("request failed", { path: logPath(path, apiPrefix), status: apiError.status, message: apiError.message });
      if (request.method === "POST" && unprefixed(path, prefix).startsWith("/v1/") && !isLogged(request)) onRefusedBeforeService?.(request, apiError, body);
      set.status = apiError.status;
      return errorResponse(apiError, headers);
    })
    .onAfterResponse(({ request, set, path, route }) => {
      // a stream's line is written when its headers are sent
      record(request, set, path, route);
    })
    // before the body parser: their bodies stay unread streams
    .use(rawApp)
    // every route after this one reads its body here: limit on bytes received, content type, nesting depth
    .onParse({ as: "global" }, function readBody({ request, path }) {
      return readJsonBody(request, { maxBytes: maxBodyBytes, acceptForms: isManagementPath(unprefixed(path, prefix)) });
    })
    .use(app);
}
