/**
 * @module Each account's Codex catalog, cached: fresh for `ttlMs`, then revalidated with its ETag (a 304 renews it),
 * stale at once when an answer's `x-models-etag` says the catalog changed. One load per account at a time. A failed
 * revalidation keeps serving the last catalog and tries again after `retryMs`; with nothing cached it throws.
 */
import type { CodexModelsAnswer } from "./fetch-models.ts";
import type { CodexModel } from "./models.ts";

export interface CodexModelsCacheOptions {
  /** How long a catalog is used without asking; 15 minutes by default. */
  ttlMs?: number;
  /** After a failed revalidation, how long the old catalog is served before the next try; 1 minute by default. */
  retryMs?: number;
  now?: () => number;
}

interface Entry {
  models: CodexModel[];
  etag: string | null;
  freshUntil: number;
}

/** Loads the catalog, conditional on `etag` when one is known (fetchCodexModels with the account's connection). */
export type LoadCodexModels = (etag: string | null) => Promise<CodexModelsAnswer>;

export class CodexModelsCache {
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<CodexModel[]>>();
  readonly #ttlMs: number;
  readonly #retryMs: number;
  readonly #now: () => number;

  constructor({ ttlMs = 15 * 60_000, retryMs = 60_000, now = Date.now }: CodexModelsCacheOptions = {}) {
    this.#ttlMs = ttlMs;
    this.#retryMs = retryMs;
    this.#now = now;
  }

  /** The account's catalog, loading or revalidating it when it is not fresh. */
  get(accountKey: string, load: LoadCodexModels): Promise<CodexModel[]> {
    const entry = this.#entries.get(accountKey);
    if (entry && entry.freshUntil > this.#now()) return Promise.resolve(entry.models);
    const running = this.#loading.get(accountKey);
    if (running) return running;
    const loading = this.#refresh(accountKey, entry, load).finally(() => this.#loading.delete(accountKey));
    this.#loading.set(accountKey, loading);
    return loading;
  }

  async #refresh(accountKey: string, entry: Entry | undefined, load: LoadCodexModels): Promise<CodexModel[]> {
    let answer: CodexModelsAnswer;
    try {
      answer = await load(entry?.etag ?? null);
    } catch (error) {
      if (!entry) throw error;
      entry.freshUntil = this.#now() + this.#retryMs;
      return entry.models;
    }
    const freshUntil = this.#now() + this.#ttlMs;
    if (answer.notModified && entry) {
      entry.freshUntil = freshUntil;
      return entry.models;
    }
    if (answer.notModified) throw new Error("the Codex models endpoint answered 304 to an unconditional request");
    this.#entries.set(accountKey, { models: answer.models, etag: answer.etag, freshUntil });
    return answer.models;
  }

  /** The catalog last loaded for the account, fresh or not; null when none. */
  peek(accountKey: string): CodexModel[] | null {
    return this.#entries.get(accountKey)?.models ?? null;
  }

  /** Whether the account's catalog is cached and within its TTL. */
  isFresh(accountKey: string): boolean {
    const entry = this.#entries.get(accountKey);
    return entry !== undefined && entry.freshUntil > this.#now();
  }

  /** The accounts with a cached catalog. */
  keys(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** An answer's `x-models-etag`: when it differs from the cached catalog's, the next `get` reloads. */
  noteEtag(accountKey: string, etag: string | null): void {
    const entry = this.#entries.get(accountKey);
    if (entry && etag && etag !== entry.etag) entry.freshUntil = 0;
  }

  invalidate(accountKey: string): void {
    this.#entries.delete(accountKey);
  }
}
