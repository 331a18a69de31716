/**
 * @module The browser-identity headers a 2026 page sends on every backend call (web-2026.md §2.1), beyond the base
 * set of identity.ts: the deployment it runs (`oai-client-version` = the page's `data-build`, and its build number),
 * the tab's session id, and the path it calls. Nobody knows whether the server checks them; all peers send them.
 */
import type { BuildInfo } from "../build-info.ts";
import { sessionIdOf } from "../identity.ts";
import type { UpstreamSession } from "../session.ts";

/** Values peers hardcoded in mid-2026, for a page that names neither (§1.3). */
const FALLBACK_CLIENT_VERSION = "prod-a194cd50d4416d3c0b47c740f206b12ce60f5887";
const FALLBACK_BUILD_NUMBER = "7823760";
const CLIENT_VERSION = /^prod-[0-9a-f]{40}$/;

export function identityHeaders2026(session: UpstreamSession, build: BuildInfo, path: string): Record<string, string> {
  const target = new URL(session.url(path)).pathname;
  return {
    "oai-client-version": build.dataBuild && CLIENT_VERSION.test(build.dataBuild) ? build.dataBuild : FALLBACK_CLIENT_VERSION,
    "oai-client-build-number": build.buildNumber ?? FALLBACK_BUILD_NUMBER,
    "oai-session-id": sessionIdOf(session.identity),
    // our paths carry no ids, so the route template is the path itself
    "x-openai-target-path": target,
    "x-openai-target-route": target,
  };
}
