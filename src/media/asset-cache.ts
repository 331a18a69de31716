/**
 * @module Files chat2api hands out links to, kept in memory: images whose upstream link a client could not open
 * (2026's `/backend-api/estuary/content` wants the account's bearer, web-2026.md §7.3) are downloaded through the
 * account's session and served from here under an unguessable id. Bounded by total bytes (the oldest go first) and by
 * age; a restart forgets them, as the upstream's own links expire after hours.
 */
export interface CachedAsset {
  bytes: Uint8Array<ArrayBuffer>;
  mimeType: string;
}

export interface AssetCacheOptions {
  /** Total bytes kept; default 256 MiB. */
  maxBytes?: number;
  /** How long a link serves; default 6 hours. */
  ttlMs?: number;
  now?: () => number;
}

interface Entry extends CachedAsset {
  expiresAt: number;
}

export class AssetCache {
  /** In insertion order, so the first entries are the oldest. */
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor({ maxBytes = 256 * 1024 * 1024, ttlMs = 6 * 3600_000, now = Date.now }: AssetCacheOptions = {}) {
    this.#maxBytes = maxBytes;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** Keeps the asset and answers its id (32 hex characters of randomness: the id is the capability). */
  put(asset: CachedAsset): string {
    const id = crypto.randomUUID().replaceAll("-", "");
    this.#entries.set(id, { ...asset, expiresAt: this.#now() + this.#ttlMs });
    this.#bytes += asset.bytes.byteLength;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes || oldest === id) break;
      this.#drop(oldest, entry);
    }
    return id;
  }

  get(id: string): CachedAsset | null {
    const entry = this.#entries.get(id);
    if (!entry) return null;
    if (entry.expiresAt <= this.#now()) {
      this.#drop(id, entry);
      return null;
    }
    return { bytes: entry.bytes, mimeType: entry.mimeType };
  }

  #drop(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#bytes -= entry.bytes.byteLength;
  }
}
