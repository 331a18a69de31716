/**
 * @module The Store: everything the pool persists, behind one interface so a PostgreSQL implementation can
 * replace SQLite when several instances share one pool. Every method is async for that reason.
 */
import type { ClientKeyStore } from "./client-key-store.ts";
import type { RequestStatsStore } from "./request-stats.ts";
import type { RequestLogFilter } from "./request-log-query.ts";
import type { AccountRow, ConversationRow, CooldownRow, NewAccountRow, NewRequestLogRow, QuotaWindowRow, RequestLogRow } from "./schema.sqlite.ts";

export type { AccountRow, ConversationRow, CooldownRow, NewRequestLogRow, QuotaWindowRow, RequestLogRow };
export type { RequestAttempt, RequestLogFilter } from "./request-log-query.ts";

export type NewAccount = Pick<NewAccountRow, "credential" | "kind"> &
  Partial<Omit<NewAccountRow, "id" | "credential" | "credentialDigest" | "kind" | "createdAt">>;

/** One write the in-memory pool view must read again: an account, the cooldowns of a subject, or every account. */
export type PoolChange = { type: "account"; id: string } | { type: "cooldown"; subject: string } | { type: "all" };

export interface PoolChanges {
  /** The newest change number; pass it to the next `changesSince`. */
  version: number;
  /** In order; null when they are no longer all known (too old a version, or -1): read everything again. */
  changes: PoolChange[] | null;
}

/** Fields that change after an account is added. */
export type AccountPatch = Partial<
  Pick<
    AccountRow,
    | "accessToken"
    | "accessTokenExpiresAt"
    | "accessTokenIssuedAt"
    | "refreshToken"
    | "plan"
    | "status"
    | "lastError"
    | "kind"
    | "oauthClientId"
    | "chatgptAccountId"
    | "hasCodex"
    | "hasWeb"
    | "refreshStartedAt"
  >
>;

/** One quota window as heard (codex.md §5): identified by its length. */
export type QuotaWindow = Pick<QuotaWindowRow, "windowMinutes" | "usedPercent" | "resetsAt">;

export interface AddAccountsResult {
  added: AccountRow[];
  /** Inputs that matched an existing account (same credential and workspace), or repeated within the input. */
  duplicates: number;
}

export interface Store extends ClientKeyStore, RequestStatsStore {
  /**
   * Resolves once the store is open, migrated, and every stored token is sealed with the current DATA_KEY (or plain
   * without one); rejects saying why it cannot be (every other call would too), naming DATA_KEY when it is the key.
   */
  ready(): Promise<void>;
  /** Every account, tokens in the clear (sealed at rest when DATA_KEY is set). Reads the whole table: not per request. */
  listAccounts(): Promise<AccountRow[]>;
  getAccount(id: string): Promise<AccountRow | null>;
  /** Inserts in one transaction; duplicates are skipped by the unique index, never stored twice. */
  addAccounts(accounts: readonly NewAccount[]): Promise<AddAccountsResult>;
  updateAccount(id: string, patch: AccountPatch): Promise<void>;
  /**
   * Stores a refresh's result in one transaction: `patch` (holding the successor refresh token) is written, the
   * in-flight mark cleared and `used` recorded as spent, only if the account's refresh token is still `used`. False,
   * writing nothing, when it is not (another writer rotated it) or the account is gone.
   */
  commitRefresh(id: string, used: string, patch: AccountPatch): Promise<boolean>;
  /** Whether `refreshToken` was already exchanged for a successor (commitRefresh): it must never be sent again. */
  isRefreshTokenUsed(refreshToken: string): Promise<boolean>;
  /** Upserts the windows heard at `at` (one per length); windows of other lengths are kept. Not a pool change. */
  saveQuotaWindows(accountId: string, windows: readonly QuotaWindow[], at: number): Promise<void>;
  /** The windows of one account, or of every account; by account, then shortest window first. */
  quotaWindows(accountId?: string): Promise<QuotaWindowRow[]>;
  /** Counts one attempt on the account and stamps its last use. Not a pool change: selection does not read these. */
  recordUse(id: string, input: { ok: boolean; at: number }): Promise<void>;
  /** Removes the account, its cooldowns and quota windows (its used refresh tokens stay refused); false when it did not exist. */
  removeAccount(id: string): Promise<boolean>;
  /** Removes every account, their cooldowns and quota windows; returns how many accounts went. */
  clearAccounts(): Promise<number>;
  /** Upserts; an existing cooldown is only ever extended, never shortened. */
  setCooldown(cooldown: CooldownRow): Promise<void>;
  /** Cooldowns still running at `nowMs`. */
  activeCooldowns(nowMs: number): Promise<CooldownRow[]>;
  clearCooldowns(subject: string): Promise<number>;
  /**
   * What changed in accounts and cooldowns after change number `version`, written by any instance sharing the store
   * (every write but `recordUse` counts). Numbers follow commit order, so nothing committed is ever skipped.
   */
  changesSince(version: number): Promise<PoolChanges>;
  /** Remembers who holds a conversation; a second record of one id only stamps its use (the first holder stays). */
  recordConversation(row: ConversationRow): Promise<void>;
  findConversation(conversationId: string): Promise<ConversationRow | null>;
  /** Deletes conversations last used before `olderThanMs`, in batches like `pruneRequests`; returns how many went. */
  pruneConversations(olderThanMs: number): Promise<number>;
  logRequest(entry: NewRequestLogRow): Promise<void>;
  /** Newest first. */
  recentRequests(limit: number): Promise<RequestLogRow[]>;
  /** The rows `filter` matches, newest first (highest id first), at most `filter.limit`. */
  listRequests(filter: RequestLogFilter): Promise<RequestLogRow[]>;
  /**
   * Deletes the request-log rows logged before `olderThanMs` (epoch ms; a row at exactly that time stays) and returns
   * how many went. Deletes in batches, so a first prune of a long log does not hold the database for one long write.
   */
  pruneRequests(olderThanMs: number): Promise<number>;
  /**
   * Runs `run` while holding an exclusive lock named `key`, across every instance sharing this store (SQLite: this
   * process only, its one user). `run` must read again what it depends on: the previous holder may have changed it.
   */
  withLock<T>(key: string, run: () => Promise<T>): Promise<T>;
  /**
   * Lets go of memory the store fills again on demand, for the idle trim (src/memory/idle-trim.ts): SQLite's page
   * cache, freed at once (this runs before the trim's collection). Nothing stored is touched. A closed store ignores it.
   */
  releaseMemory(): Promise<void>;
  close(): Promise<void>;
}
