/**
 * @module Composes the Elysia app: request ids, CORS, body limit, the one error handler (OpenAI's error shape),
 * docs, and the feature modules, all under API_PREFIX when it is set.
 */
import { Elysia, type AnyElysia } from "elysia";
import { ApiError, InternalError, InvalidRequestError, NotFoundError, PayloadTooLargeError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics/metrics.ts";
import { docsModule } from "./modules/docs/index.ts";
import { explainValidation } from "./modules/validation-param.ts";

export interface AppOptions {
  apiPrefix: string | null;
  maxBodyBytes: number;
  logger: Logger;
  version: string;
  /** Feature modules, each one Elysia instance. */
  modules: AnyElysia[];
  /** Told of every answered request, by route pattern. */
  metrics?: Pick<Metrics, "observeRequest">;
}

function corsHeaders(request: Request): Record<string, string> {
  return {
    "access-control-allow-origin": request.headers.get("origin") ?? "*",
    "access-control-expose-headers": "x-request-id, retry-after, x-should-retry",
    vary: "Origin",
  };
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

export function createApp({ apiPrefix, maxBodyBytes, logger, version, modules, metrics }: AppOptions) {
  const prefix = apiPrefix ? `/${apiPrefix}` : "";
  let app = new Elysia({ prefix }).use(docsModule({ prefix, version }));
  for (const module of modules) app = app.use(module);

  const startedAt = new WeakMap<Request, number>();
  /** One access line and one metrics observation per request, wherever its response was made. */
  const record = (request: Request, set: { status?: unknown; headers: unknown }, path: string, route: string | undefined): void => {
    const began = startedAt.get(request);
    const status = typeof set.status === "number" ? set.status : 200;
    const elapsedMs = began === undefined ? null : performance.now() - began;
    logger.info("request", {
      method: request.method,
      path,
      status,
      ms: elapsedMs === null ? null : Math.round(elapsedMs),
      requestId: (set.headers as Record<string, string>)["x-request-id"],
    });
    metrics?.observeRequest({ method: request.method, route: routeLabel(route, prefix), status, seconds: (elapsedMs ?? 0) / 1000 });
  };
  return new Elysia()
    .onRequest(({ request, set }) => {
      startedAt.set(request, performance.now());
      const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
      Object.assign(set.headers, corsHeaders(request), { "x-request-id": requestId });
      if (request.method === "OPTIONS") {
        // browsers need Authorization named explicitly: a bare `*` does not cover it (CLIENTS.md §1)
        const asked = request.headers.get("access-control-request-headers");
        set.status = 204;
        // Elysia runs no later hook for a response made here: record it now
        record(request, set, new URL(request.url).pathname, undefined);
        return new Response(null, {
          status: 204,
          headers: {
            ...(set.headers as Record<string, string>),
            "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            "access-control-allow-headers": asked ? `${asked}, authorization, content-type` : "authorization, content-type",
            "access-control-max-age": "86400",
          },
        });
      }
      const length = Number(request.headers.get("content-length") ?? "0");
      if (length > maxBodyBytes) {
        set.status = 413;
        record(request, set, new URL(request.url).pathname, undefined);
        return errorResponse(new PayloadTooLargeError(maxBodyBytes), set.headers as Record<string, string>);
      }
    })
    .onError(({ code, error, request, set, path }) => {
      const headers = { ...(set.headers as Record<string, string>) };
      let apiError: ApiError;
      if (error instanceof ApiError) {
        apiError = error;
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
          logger.error("unhandled error", { path, error });
          apiError = new InternalError();
        }
      }
      if (apiError.status >= 500) logger.warn("request failed", { path, status: apiError.status, message: apiError.message });
      set.status = apiError.status;
      return errorResponse(apiError, headers);
    })
    .onAfterResponse(({ request, set, path, route }) => {
      // a stream's line is written when its headers are sent
      record(request, set, path, route);
    })
    .use(app);
}
