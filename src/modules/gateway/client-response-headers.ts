/**
 * @module The headers a gateway response carries back to the client: the upstream's, minus what belonged to the
 * upstream connection, with cookies and redirects made to work against this server instead of the upstream host.
 */
import { hopByHopNames } from "./hop-by-hop.ts";

/** Encodings Bun's fetch decodes by itself; the body we hand on is then plain, so the header would lie. */
const DECODED_BY_BUN = new Set(["gzip", "x-gzip", "deflate", "br", "zstd"]);

export interface ClientResponseHeaderOptions {
  /** The upstream host the request went to. */
  host: string;
  /** `/<API_PREFIX>` or "". */
  prefix: string;
}

/** A cookie scoped to the upstream's domain would be refused by the browser: let it default to this server's host. */
function withoutDomain(setCookie: string): string {
  return setCookie
    .split(";")
    .filter((attribute) => !/^\s*domain\s*=/i.test(attribute))
    .join(";");
}

/** A redirect to another gateway path on the same upstream stays on this server; any other target is left alone. */
function rewriteLocation(location: string, { host, prefix }: ClientResponseHeaderOptions): string {
  let target: URL;
  try {
    target = new URL(location, `${host}/`);
  } catch {
    return location;
  }
  if (target.origin !== new URL(host).origin || !/^\/backend-(api|anon)(\/|$)/.test(target.pathname)) return location;
  return `${prefix}${target.pathname}${target.search}${target.hash}`;
}

export function clientResponseHeaders(upstream: Headers, options: ClientResponseHeaderOptions): Headers {
  const dropped = hopByHopNames(upstream);
  // CORS is this server's business (app.ts answers for it); the upstream's would name the wrong origin
  const isOurs = (name: string): boolean => name.startsWith("access-control-") || name === "alt-svc";
  const encoding = upstream.get("content-encoding")?.trim().toLowerCase();
  const decoded = encoding !== undefined && DECODED_BY_BUN.has(encoding);
  const headers = new Headers();
  for (const [name, value] of upstream) {
    if (dropped.has(name) || isOurs(name) || name === "set-cookie") continue;
    if (decoded && (name === "content-encoding" || name === "content-length")) continue;
    headers.append(name, name === "location" ? rewriteLocation(value, options) : value);
  }
  for (const cookie of upstream.getSetCookie()) headers.append("set-cookie", withoutDomain(cookie));
  return headers;
}
