/**
 * @module The build scrape (upstream.md §4.7, web-2026.md §1.3): `GET {host}/`, remembering script URLs and the build
 * id for the proof-of-work fingerprint, and for the 2026 identity headers the page's `data-build` (sent verbatim as
 * `oai-client-version`) and build number. Cached per host for 15 minutes, failures included: it is optional
 * information. `invalidate` drops a host's entry when the upstream suggests it is stale.
 */
import type { UpstreamSession } from "./session.ts";

export interface BuildInfo {
  scriptSources: string[];
  /** 2024 PoW slot 6: the `c/<id>/_` fragment of a script path, else `data-build`. */
  buildId: string | null;
  /** `<html data-build="prod-<sha>">`: 2026 PoW slot 6 and the `oai-client-version` header. */
  dataBuild: string | null;
  /** `oai-client-build-number`, when the page names it (no peer has found where; see parseBuildNumber). */
  buildNumber: string | null;
}

const EMPTY: BuildInfo = { scriptSources: [], buildId: null, dataBuild: null, buildNumber: null };

/**
 * Where a page might carry its build number: an inline JSON key or an html attribute. web-2026.md §1.3 knows of no
 * source (every peer hardcodes one), so this is a guess and a missing number is normal.
 */
const BUILD_NUMBER_PATTERNS = [
  /"(?:client_?[Bb]uild_?[Nn]umber|build_?[Nn]umber)"\s*:\s*"?(\d{4,12})"?/,
  /\sdata-build-number="(\d{4,12})"/,
  /<html[^>]*\sdata-seq="(\d{4,12})"/,
];

function parseBuildNumber(html: string): string | null {
  for (const pattern of BUILD_NUMBER_PATTERNS) {
    const found = pattern.exec(html)?.[1];
    if (found) return found;
  }
  return null;
}

export function parseBuildInfo(html: string): BuildInfo {
  const scriptSources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] ?? "").filter(Boolean);
  const rawDataBuild = /<html[^>]*\sdata-build="([^"]*)"/.exec(html)?.[1] ?? null;
  let buildId: string | null = null;
  for (const src of scriptSources) {
    const found = /c\/[^/]*\/_/.exec(src);
    if (found) {
      buildId = found[0];
      break;
    }
  }
  return { scriptSources, buildId: buildId ?? rawDataBuild, dataBuild: rawDataBuild || null, buildNumber: parseBuildNumber(html) };
}

export class BuildInfoCache {
  /** Per host: the page's info once loaded, or the one load in flight that concurrent misses share. */
  private readonly entries = new Map<string, { info: Promise<BuildInfo>; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(session: UpstreamSession): Promise<BuildInfo> {
    const cached = this.entries.get(session.host);
    // an entry still loading has no expiry yet (Infinity): every miss meanwhile waits for that one load
    if (cached && cached.expiresAt > this.now()) return cached.info;
    const entry = { info: this.load(session), expiresAt: Number.POSITIVE_INFINITY };
    this.entries.set(session.host, entry);
    void entry.info.then(() => {
      entry.expiresAt = this.now() + this.ttlMs;
    });
    return entry.info;
  }

  /** Never rejects: a failure is remembered as no information, like an unusable page. */
  private async load(session: UpstreamSession): Promise<BuildInfo> {
    try {
      const response = await session.request("/", { timeoutMs: 5_000, headers: { accept: "text/html" } });
      if (response.ok) return parseBuildInfo(await response.text());
      await response.body?.cancel();
    } catch {
      // tolerated: the fingerprint falls back to no build id
    }
    return EMPTY;
  }

  /**
   * The next `get` for this host loads the page again (a proof refused with a stale build, web-2026.md §11 item 2),
   * even when a load is in flight: it may be the stale one.
   */
  invalidate(host: string): void {
    this.entries.delete(host);
  }
}
