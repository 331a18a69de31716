/**
 * @module Signs that a request was not made by this machine's own tools or by the management page itself: a Host that
 * is not a loopback name (DNS rebinding, a local reverse proxy), a browser's `Sec-Fetch-Site` other than
 * same-origin/none, an `Origin` other than the server's own. Without a key, management refuses any such request.
 */

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

function isSameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host.toLowerCase();
  } catch {
    // "null" (sandboxed frames, file: pages) and anything unparsable is another origin
    return false;
  }
}

/** Why the request may come from somewhere else than this machine's own callers, or null when nothing says so. */
export function crossSiteSignal(headers: Headers): string | null {
  const host = headers.get("host") ?? "";
  if (!LOOPBACK_HOST.test(host)) return "its Host header is not a loopback name (a reverse proxy or DNS rebinding)";
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return "the browser marked it as sent by another site (Sec-Fetch-Site)";
  const origin = headers.get("origin");
  if (origin !== null && !isSameOrigin(origin, host)) return "it came from a page of another origin (Origin)";
  return null;
}
