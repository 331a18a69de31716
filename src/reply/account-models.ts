/**
 * @module The upstream slugs each account may use (`GET {base}/models`), cached: CHECK_MODEL asks once per account
 * before spending a conversation, and a name we do not know passes through when the account lists it.
 */
import type { UpstreamClient } from "../engines/web/client.ts";
import type { UpstreamIdentity } from "../engines/web/identity.ts";

export class AccountModels {
  private readonly cache = new Map<string, { slugs: Promise<string[]>; expiresAt: number }>();

  constructor(
    private readonly upstream: Pick<UpstreamClient, "listModelSlugs">,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `key` names the account without being its secret (row id, token digest, "anonymous"). */
  slugs(key: string, identity: UpstreamIdentity, signal?: AbortSignal): Promise<string[]> {
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.slugs;
    const slugs = this.upstream.listModelSlugs(identity, signal);
    this.cache.set(key, { slugs, expiresAt: this.now() + this.ttlMs });
    // a failed look-up is not remembered: the next request asks again
    slugs.catch(() => this.cache.delete(key));
    return slugs;
  }
}
