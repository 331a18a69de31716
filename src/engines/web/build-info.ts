/**
 * @module The build scrape (upstream.md §4.7): `GET {host}/`, remembering script URLs and the build id for the
 * proof-of-work fingerprint. Cached per host for 15 minutes, failures included: it is optional information.
 */
import type { UpstreamSession } from "./session.ts";

export interface BuildInfo {
  scriptSources: string[];
  buildId: string | null;
}

const EMPTY: BuildInfo = { scriptSources: [], buildId: null };

export function parseBuildInfo(html: string): BuildInfo {
  const scriptSources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] ?? "").filter(Boolean);
  let buildId: string | null = null;
  for (const src of scriptSources) {
    const found = /c\/[^/]*\/_/.exec(src);
    if (found) {
      buildId = found[0];
      break;
    }
  }
  buildId ??= /<html[^>]*\sdata-build="([^"]*)"/.exec(html)?.[1] ?? null;
  return { scriptSources, buildId };
}

export class BuildInfoCache {
  private readonly entries = new Map<string, { info: BuildInfo; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(session: UpstreamSession): Promise<BuildInfo> {
    const cached = this.entries.get(session.host);
    if (cached && cached.expiresAt > this.now()) return cached.info;
    let info = EMPTY;
    try {
      const response = await session.request("/", { timeoutMs: 5_000, headers: { accept: "text/html" } });
      if (response.ok) info = parseBuildInfo(await response.text());
      else await response.body?.cancel();
    } catch {
      // tolerated: the fingerprint falls back to no build id
    }
    this.entries.set(session.host, { info, expiresAt: this.now() + this.ttlMs });
    return info;
  }
}
