/**
 * @module The browser-identity rules every 2026 backend call meets (web-2026.md §10 items 2–3): `oai-device-id` is
 * required and equals the `oai-did` cookie when one is sent; the other identity headers are optional but, when
 * present, must look like the browser's (`prod-<40 hex>` version, digit build number, the request's own target path).
 */
import { detail } from "../http.ts";

const CLIENT_VERSION = /^prod-[0-9a-f]{40}$/;
const BUILD_NUMBER = /^\d+$/;

/** The value of one cookie in a `cookie` header, or undefined. */
export function cookieValue(header: string | null, name: string): string | undefined {
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** A route template such as `/backend-api/conversation/{conversation_id}` matches the concrete path. */
function routeMatches(route: string, path: string): boolean {
  if (route === path) return true;
  const pattern = route
    .split(/(\{[^}/]+\})/)
    .map((piece) => (/^\{[^}/]+\}$/.test(piece) ? "[^/]+" : piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`).test(path);
}

/** Throws the 400/403 a 2026 server answers to a request whose identity headers are missing or inconsistent. */
export function checkIdentityHeaders(headers: Headers, path: string, deviceCookieStrict: boolean): void {
  const deviceId = headers.get("oai-device-id");
  if (!deviceId) throw detail(400, "Missing required header oai-device-id");
  const cookieDevice = cookieValue(headers.get("cookie"), "oai-did");
  if (deviceCookieStrict && cookieDevice !== undefined && cookieDevice !== deviceId) {
    throw detail(403, "oai-device-id does not match the oai-did cookie");
  }
  const version = headers.get("oai-client-version");
  if (version !== null && !CLIENT_VERSION.test(version)) throw detail(400, "oai-client-version must be prod-<40 hex>");
  const build = headers.get("oai-client-build-number");
  if (build !== null && !BUILD_NUMBER.test(build)) throw detail(400, "oai-client-build-number must be digits");
  const targetPath = headers.get("x-openai-target-path");
  if (targetPath !== null && targetPath !== path) throw detail(400, `x-openai-target-path ${targetPath} is not this request's path`);
  const targetRoute = headers.get("x-openai-target-route");
  if (targetRoute !== null && !routeMatches(targetRoute, path)) throw detail(400, `x-openai-target-route ${targetRoute} does not match this request's path`);
}
