/**
 * @module The identities of the credentials in use. An account's identity is a pure function of its credential, but
 * deriving it takes three SHA-256s over the token (user agent, device id, and the 2026 session id on first use), and
 * the web engine needs one on every attempt. Kept by credential in a bounded map, since callers' own tokens are what
 * strangers send. No-login identities are never kept: each request is a fresh browser (identity.ts).
 */
import { LruMap } from "../../pool/lru-map.ts";
import { createIdentity, type IdentityOptions, type UpstreamIdentity } from "./identity.ts";

export interface IdentityCredential {
  accessToken: string | null;
  teamAccountId: string | null;
  /** The pool account's id: its device id follows the account across token refreshes. */
  stickyKey?: string;
}

/** Enough for every account of a large pool and the own tokens of its busiest callers; an entry is ~2 KiB at most. */
const DEFAULT_LIMIT = 512;

export class IdentityCache {
  private readonly identities: LruMap<string, UpstreamIdentity>;

  constructor(
    private readonly options: IdentityOptions,
    limit = DEFAULT_LIMIT,
  ) {
    this.identities = new LruMap(limit);
  }

  of(credential: IdentityCredential): UpstreamIdentity {
    if (credential.accessToken === null && credential.stickyKey === undefined) return createIdentity(credential, this.options);
    // a NUL cannot occur in a header value, so the three parts cannot run into each other
    const key = `${credential.stickyKey ?? ""}\0${credential.accessToken ?? ""}\0${credential.teamAccountId ?? ""}`;
    let identity = this.identities.get(key);
    if (identity === undefined) {
      identity = Object.freeze(createIdentity(credential, this.options));
      this.identities.set(key, identity);
    }
    return identity;
  }
}
