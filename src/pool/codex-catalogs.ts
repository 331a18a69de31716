/**
 * @module Every Codex account's model catalog (`/backend-api/codex/models`, codex.md §6), as the router and the lease
 * need it: which slugs an account may be sent (hidden ones too, version-gated for the client version we claim),
 * which the pool lists to clients, and whether an account has Codex at all.
 *
 * A catalog is learnt once per account (`learnUnknown`: on start, after accounts are added, before a Codex request
 * when some account is still unknown; an account whose token is stale waits for its first lease, which refreshes
 * it), then kept fresh by the cache's TTL and ETag in the background; a lease never waits on a revalidation. An account whose catalog could not be read (network, Cloudflare) stays "unknown" and may
 * still be leased: the answer of its first request tells. `usage_not_included` (a plan without Codex) marks it.
 */
import type { CodexModelsAnswer } from "../engines/codex/fetch-models.ts";
import { CodexError } from "../engines/codex/errors.ts";
import { type CodexModel, modelsForClientVersion } from "../engines/codex/models.ts";
import { CodexModelsCache } from "../engines/codex/models-cache.ts";
import type { Logger } from "../logger.ts";
import type { AccountRow } from "../store/store.ts";
import { mayServeCodex } from "./quota-scheduling.ts";

/** What a catalog call needs: the account's Codex token and its `ChatGPT-Account-ID`. */
export interface CatalogCredential {
  accessToken: string;
  chatgptAccountId: string;
}

export interface CodexCatalogsDeps {
  /** The pool's accounts now (the in-memory view). */
  accounts: () => Promise<readonly AccountRow[]>;
  /** The account's Codex token as it stands (never refreshed for a catalog); null when it has none usable now. */
  credential: (account: AccountRow) => Promise<CatalogCredential | null>;
  load: (credential: CatalogCredential, etag: string | null) => Promise<CodexModelsAnswer>;
  /** Records what the catalog call proved about the account. */
  markHasCodex: (accountId: string, hasCodex: boolean) => Promise<void>;
  /** The client version we claim: models gated above it are neither routed nor listed. */
  clientVersion: string;
  logger: Logger;
  now?: () => number;
  /** After a catalog call failed, how long before `learnUnknown` tries that account again. */
  retryMs?: number;
  cache?: CodexModelsCache;
}

export class CodexCatalogs {
  readonly #deps: CodexCatalogsDeps;
  readonly #cache: CodexModelsCache;
  readonly #now: () => number;
  /** Accounts whose last catalog call failed, and when they may be tried again. */
  readonly #failedUntil = new Map<string, number>();
  #learning: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  readonly #refreshing = new Set<Promise<unknown>>();
  #closed = false;

  constructor(deps: CodexCatalogsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#cache = deps.cache ?? new CodexModelsCache({ now: this.#now });
  }

  /** The account's usable models (hidden included), or null while its catalog is unknown. */
  #modelsOf(accountId: string): CodexModel[] | null {
    const models = this.#cache.peek(accountId);
    return models ? modelsForClientVersion(models, this.#deps.clientVersion) : null;
  }

  /** Whether the account may be sent `model`: null while its catalog is unknown (the lease then tries it). */
  offers(accountId: string, model: string): boolean | null {
    const models = this.#modelsOf(accountId);
    return models ? models.some((entry) => entry.slug === model) : null;
  }

  /** Every slug some account of the pool may be sent. */
  servedSlugs(): Set<string> {
    const slugs = new Set<string>();
    for (const models of this.#known()) for (const model of models) slugs.add(model.slug);
    return slugs;
  }

  /** The `visibility: "list"` models of every known catalog, by catalog priority; null when no catalog is known. */
  listedModels(): CodexModel[] | null {
    const bySlug = new Map<string, CodexModel>();
    let any = false;
    for (const models of this.#known()) {
      any = true;
      for (const model of models) if (model.listed && !bySlug.has(model.slug)) bySlug.set(model.slug, model);
    }
    return any ? [...bySlug.values()].sort((a, b) => a.priority - b.priority) : null;
  }

  *#known(): Generator<CodexModel[]> {
    for (const accountId of this.#cache.keys()) {
      const models = this.#modelsOf(accountId);
      if (models) yield models;
    }
  }

  /**
   * Reads the catalog of every Codex-capable account that has none yet (one run at a time; accounts whose last call
   * failed wait `retryMs`). Cheap when every catalog is known: no call is made.
   */
  learnUnknown(): Promise<void> {
    // accounts added during a run are seen by the next one, which starts when it ends
    if (this.#learning) {
      this.#queued ??= this.#learning.then(() => {
        this.#queued = null;
        return this.learnUnknown();
      });
      return this.#queued;
    }
    this.#learning = this.#learnUnknown().finally(() => {
      this.#learning = null;
    });
    return this.#learning;
  }

  async #learnUnknown(): Promise<void> {
    const unknown = await this.#unknown().catch((error: unknown) => {
      this.#deps.logger.warn("could not list the accounts whose Codex catalog is unknown", { error });
      return [];
    });
    for (const account of unknown) await this.refresh(account);
  }

  async #unknown(): Promise<AccountRow[]> {
    const nowMs = this.#now();
    return (await this.#deps.accounts()).filter(
      (account) => account.status === "active" && mayServeCodex(account) && this.#cache.peek(account.id) === null && (this.#failedUntil.get(account.id) ?? 0) <= nowMs,
    );
  }

  /** Whether learnUnknown would call anyone: checked per request, so it must not touch the store. */
  async hasUnknown(): Promise<boolean> {
    return (await this.#unknown()).length > 0;
  }

  /** Loads or revalidates one account's catalog and records whether it has Codex. Never rejects. */
  refresh(account: AccountRow): Promise<CodexModel[] | null> {
    if (this.#closed) return Promise.resolve(null);
    const running = this.#refreshOne(account).finally(() => this.#refreshing.delete(running));
    this.#refreshing.add(running);
    return running;
  }

  async #refreshOne(account: AccountRow): Promise<CodexModel[] | null> {
    const { logger } = this.#deps;
    try {
      const credential = await this.#deps.credential(account);
      if (!credential) return null;
      const models = await this.#cache.get(account.id, (etag) => this.#deps.load(credential, etag));
      this.#failedUntil.delete(account.id);
      if (account.hasCodex !== true) await this.#deps.markHasCodex(account.id, true).catch(() => {});
      return models;
    } catch (error) {
      this.#failedUntil.set(account.id, this.#now() + (this.#deps.retryMs ?? 60_000));
      if (error instanceof CodexError && error.code === "usage_not_included") {
        await this.#deps.markHasCodex(account.id, false).catch(() => {});
        logger.info("account has no Codex in its plan", { account: account.id });
        return null;
      }
      logger.warn("could not read an account's Codex catalog", { account: account.id, reason: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  /**
   * Waits for the catalog calls under way, before the store closes: a probe may be refreshing a token, and a
   * rotated refresh token that is not stored would be lost.
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#learning || this.#queued || this.#refreshing.size > 0) {
      await Promise.allSettled([this.#learning, this.#queued, ...this.#refreshing]);
    }
  }

  /** An answer's `x-models-etag`: a changed catalog is read again, in the background. */
  noteEtag(accountId: string, etag: string | null): void {
    if (!etag || this.#cache.peek(accountId) === null) return;
    this.#cache.noteEtag(accountId, etag);
    if (this.#cache.isFresh(accountId)) return;
    void this.#deps.accounts().then((accounts) => {
      const account = accounts.find((row) => row.id === accountId);
      return account ? this.refresh(account) : null;
    });
  }

  /** Refreshes the account's catalog when its TTL has passed; the lease goes on with the one it has. */
  revalidate(account: AccountRow): Promise<unknown> {
    return this.#cache.isFresh(account.id) ? Promise.resolve() : this.refresh(account);
  }

  /** The upstream refused a model the catalog listed: read the catalog again before trusting it. */
  forget(accountId: string): void {
    this.#cache.invalidate(accountId);
  }
}
