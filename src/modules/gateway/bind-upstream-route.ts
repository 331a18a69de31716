/**
 * @module Which host and proxy one gateway request takes. Sticky per credential (or device id): the upstream binds
 * a sentinel token to the route it was issued on, so requirements and conversation must travel the same way.
 */
import type { Config } from "../../config.ts";
import { createIdentity } from "../../engines/web/identity.ts";

export interface UpstreamRoute {
  host: string;
  proxyUrl: string | null;
}

export type RouteConfig = Pick<Config, "chatgptBaseUrls" | "proxyUrls">;

function indexFor(key: string, size: number): number {
  const bytes = new Bun.CryptoHasher("sha256").update(`host:${key}`).digest();
  return ((bytes[0] ?? 0) * 256 + (bytes[1] ?? 0)) % size;
}

/** `stickyKey` null: a route picked at random, as for any one-off anonymous request. */
export function bindUpstreamRoute(stickyKey: string | null, { chatgptBaseUrls, proxyUrls }: RouteConfig): UpstreamRoute {
  const key = stickyKey ?? crypto.randomUUID();
  const host = chatgptBaseUrls[indexFor(key, chatgptBaseUrls.length)];
  if (!host) throw new Error("no upstream host configured");
  // the same proxy /v1 binds to this token, so one account never shows up from two addresses
  const { proxyUrl } = createIdentity({ accessToken: null, teamAccountId: null, stickyKey: key }, { userAgents: [], proxyUrls });
  return { host, proxyUrl };
}
