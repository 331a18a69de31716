/**
 * @module Quota-aware choice among Codex accounts (codex.md §5): which accounts may serve the Codex engine, how much
 * headroom each has in the window that binds it, and the in-memory book of every account's windows the pool reads
 * per lease instead of the quota table.
 *
 * A quota rest is a cooldown row `{ subject: accountId, model: CODEX_ALL_MODELS, reason: "quota", untilMs }`: the
 * store keeps it across restarts and shares it with every instance (a cooldown is a pool change), and it rests every
 * Codex model of the account but leaves its web engine alone — the web conversation backend has caps of its own.
 */
import { CODEX_CLIENT_ID } from "../engines/codex/auth/oauth-clients.ts";
import { bindingWindow, type QuotaWindow, type QuotaWindows } from "../engines/codex/quota.ts";
import type { AccountRow, QuotaWindowRow, Store } from "../store/store.ts";

/** The cooldown `model` that rests every Codex model of an account (and none of its web models). */
export const CODEX_ALL_MODELS = "codex:*";

/** How often the book reads every account's windows again, so what other instances heard is seen. */
export const QUOTA_RELOAD_MS = 30_000;

/**
 * Whether an active account may be leased for the Codex engine: it is not known to lack Codex, and its credential
 * is a Codex one — or a refresh token whose client is not known yet (its first refresh tells; the lease then checks
 * the access token it got).
 */
export function mayServeCodex(account: Pick<AccountRow, "kind" | "hasCodex" | "oauthClientId">): boolean {
  if (account.hasCodex === false) return false;
  if (account.kind === "codex-access" || account.kind === "codex-refresh") return true;
  return account.kind === "refresh" && (account.oauthClientId === null || account.oauthClientId === CODEX_CLIENT_ID);
}

export interface QuotaStanding {
  /** Percent left in the binding window: 100 when nothing is known. */
  headroom: number;
  /** Epoch ms until which the windows say the account is spent; null when it is not. */
  restingUntil: number | null;
}

/** One window as the book holds it: the reset made explicit, so windows heard at different times compare. */
interface HeardWindow {
  window: QuotaWindow;
  heardAt: number;
}

export interface QuotaBook {
  /** Reads every account's windows from the store when the last read is older than QUOTA_RELOAD_MS. */
  catchUp(): Promise<void>;
  /** Windows heard in this process, merged by length (a window not heard keeps its last value, as the store does). */
  record(accountId: string, quota: QuotaWindows): void;
  standing(accountId: string, nowMs: number): QuotaStanding;
}

/** A window with no announced reset starts afresh a whole window length after it was heard (quota.ts `resetOf`). */
function withReset(window: QuotaWindow, heardAt: number): QuotaWindow {
  return window.resetsAt !== null ? window : { ...window, resetsAt: heardAt + window.windowMinutes * 60_000 };
}

export function createQuotaBook(store: Pick<Store, "quotaWindows">, now: () => number = Date.now): QuotaBook {
  const byAccount = new Map<string, Map<number, HeardWindow>>();
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;

  /** Keeps the newer of two hearings of one window: a read that started before a record must not undo it. */
  function put(accountId: string, window: QuotaWindow, heardAt: number): void {
    let windows = byAccount.get(accountId);
    if (!windows) byAccount.set(accountId, (windows = new Map()));
    const known = windows.get(window.windowMinutes);
    if (!known || known.heardAt <= heardAt) windows.set(window.windowMinutes, { window: withReset(window, heardAt), heardAt });
  }

  async function read(): Promise<void> {
    const startedAt = now();
    const rows: QuotaWindowRow[] = await store.quotaWindows();
    for (const { accountId, windowMinutes, usedPercent, resetsAt, updatedAt } of rows) put(accountId, { windowMinutes, usedPercent, resetsAt }, updatedAt);
    readAt = startedAt;
  }

  return {
    catchUp() {
      if (now() - readAt < QUOTA_RELOAD_MS) return Promise.resolve();
      reading ??= read().finally(() => {
        reading = null;
      });
      return reading;
    },

    record(accountId, quota) {
      for (const window of quota.windows) put(accountId, window, quota.observedAt);
    },

    standing(accountId, nowMs) {
      const heard = byAccount.get(accountId);
      if (!heard) return { headroom: 100, restingUntil: null };
      const windows = [...heard.values()].map((entry) => entry.window);
      const { headroom, restingUntil } = bindingWindow({ planType: null, windows, limitReachedUntil: null, observedAt: nowMs }, nowMs);
      return { headroom, restingUntil };
    },
  };
}

/** The candidates with the most headroom, in their given order (ties are shared out by the caller's round-robin). */
export function mostHeadroom<T extends { headroom: number }>(ready: readonly T[]): T[] {
  const best = Math.max(...ready.map((entry) => entry.headroom));
  return ready.filter((entry) => entry.headroom === best);
}
