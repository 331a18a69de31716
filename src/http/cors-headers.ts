/**
 * @module CORS: open on the API, as OpenAI's is (browser clients such as NextChat call it with their own key), and
 * an allow-list (ADMIN_ORIGINS, empty by default) on management routes, so no foreign page can read them or be told
 * which methods they take.
 */

const EXPOSED = "x-request-id, retry-after, x-should-retry";
const API_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const MANAGEMENT_METHODS = "GET, POST, DELETE, OPTIONS";

export interface CorsContext {
  origin: string | null;
  /** The request is for a management route. */
  management: boolean;
  adminOrigins: readonly string[];
}

function allowedOrigin({ origin, management, adminOrigins }: CorsContext): string | null {
  if (!management) return origin ?? "*";
  return origin !== null && adminOrigins.includes(origin) ? origin : null;
}

/** Headers every response carries. */
export function corsHeaders(context: CorsContext): Record<string, string> {
  const origin = allowedOrigin(context);
  if (origin === null) return { vary: "Origin" };
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED, vary: "Origin" };
}

/** The answer to a preflight; an origin not allowed gets no access-control header at all. */
export function preflightHeaders(context: CorsContext, askedHeaders: string | null): Record<string, string> {
  const origin = allowedOrigin(context);
  if (origin === null) return { vary: "Origin" };
  // browsers need Authorization named explicitly: a bare `*` does not cover it (CLIENTS.md §1)
  const allowHeaders = context.management ? "authorization, content-type" : askedHeaders ? `${askedHeaders}, authorization, content-type` : "authorization, content-type";
  return {
    ...corsHeaders(context),
    "access-control-allow-methods": context.management ? MANAGEMENT_METHODS : API_METHODS,
    "access-control-allow-headers": allowHeaders,
    "access-control-max-age": "86400",
  };
}
