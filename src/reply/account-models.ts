/**
 * @module The upstream slugs each account may use (`GET {base}/models`), cached: CHECK_MODEL asks once per account
 * before spending a conversation, and a name we do not know passes through when the account lists it.
 */
import type { UpstreamClient } from "../engines/web/client.ts";
import type { UpstreamIdentity } from "../engines/web/identity.ts";

export class AccountModels {
  /** Per account: its slugs, or the one look-up in flight that concurrent misses share. */
  private readonly cache = new Map<string, { slugs: Promise<string[]>; expiresAt: number }>();

  constructor(
    private readonly upstream: Pick<UpstreamClient, "listModelSlugs">,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `key` names the account without being its secret (row id, token digest, "anonymous"). `signal` ends this
   * caller's wait only: the shared look-up goes on for the others (its own timeout bounds it).
   */
  slugs(key: string, identity: UpstreamIdentity, signal?: AbortSignal): Promise<string[]> {
    const cached = this.cache.get(key);
    const shared = cached && cached.expiresAt > this.now() ? cached.slugs : this.lookUp(key, identity);
    return signal ? untilAborted(shared, signal) : shared;
  }

  private lookUp(key: string, identity: UpstreamIdentity): Promise<string[]> {
    const entry = { slugs: this.upstream.listModelSlugs(identity), expiresAt: this.now() + this.ttlMs };
    this.cache.set(key, entry);
    // a failed look-up is not remembered: the next request asks again
    entry.slugs.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return entry.slugs;
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
