/**
 * @module The Store: everything the pool persists, behind one interface so a PostgreSQL implementation can
 * replace SQLite when several instances share one pool. Every method is async for that reason.
 */
import type { AccountRow, CooldownRow, NewAccountRow, NewRequestLogRow, RequestLogRow } from "./schema.sqlite.ts";

export type { AccountRow, CooldownRow, NewRequestLogRow, RequestLogRow };

export type NewAccount = Pick<NewAccountRow, "credential" | "kind"> &
  Partial<Omit<NewAccountRow, "id" | "credential" | "kind" | "createdAt">>;

/** Fields that change after an account is added. */
export type AccountPatch = Partial<
  Pick<
    AccountRow,
    "accessToken" | "accessTokenExpiresAt" | "accessTokenIssuedAt" | "refreshToken" | "plan" | "status" | "lastError"
  >
>;

export interface AddAccountsResult {
  added: AccountRow[];
  /** Inputs that matched an existing account (same credential and workspace), or repeated within the input. */
  duplicates: number;
}

export interface Store {
  /** Resolves once the store is open and migrated; rejects saying why it cannot be (every other call would too). */
  ready(): Promise<void>;
  listAccounts(): Promise<AccountRow[]>;
  getAccount(id: string): Promise<AccountRow | null>;
  /** Inserts in one transaction; duplicates are skipped by the unique index, never stored twice. */
  addAccounts(accounts: readonly NewAccount[]): Promise<AddAccountsResult>;
  updateAccount(id: string, patch: AccountPatch): Promise<void>;
  /** Counts one attempt on the account and stamps its last use. */
  recordUse(id: string, input: { ok: boolean; at: number }): Promise<void>;
  /** Removes the account and its cooldowns; false when it did not exist. */
  removeAccount(id: string): Promise<boolean>;
  /** Removes every account and cooldown; returns how many accounts went. */
  clearAccounts(): Promise<number>;
  /** Upserts; an existing cooldown is only ever extended, never shortened. */
  setCooldown(cooldown: CooldownRow): Promise<void>;
  /** Cooldowns still running at `nowMs`. */
  activeCooldowns(nowMs: number): Promise<CooldownRow[]>;
  clearCooldowns(subject: string): Promise<number>;
  logRequest(entry: NewRequestLogRow): Promise<void>;
  /** Newest first. */
  recentRequests(limit: number): Promise<RequestLogRow[]>;
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
  close(): Promise<void>;
}
