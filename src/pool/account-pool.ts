/**
 * @module The account pool: leases a healthy account for one attempt and learns from the outcome. Selection
 * skips failed and disabled accounts, accounts resting for the model (upstream.md §16.6), and accounts whose plan
 * does not offer it; caps live in the Store so they survive restarts. Accounts and cooldowns are read from the
 * in-memory pool view, never the whole table per lease.
 */
import type { Config } from "../config.ts";
import { ModelNotFoundError, RateLimitError, UpstreamFailureError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { maskSecret } from "../logger.ts";
import type { AccountRow, CooldownRow, Store } from "../store/store.ts";
import type { AttemptOutcome } from "./attempt-outcome.ts";
import { ALL_MODELS, nextAccountState } from "./cooldown.ts";
import { offersModel, planTier, tierPreference } from "./model-access.ts";
import { createPoolView, type PoolSnapshot, type PoolView } from "./pool-view.ts";
import type { Refresher } from "./refresher.ts";
import { isTokenStale } from "./refresher.ts";
import { secretDigest } from "./token-kind.ts";

export interface AccountLease {
  leaseId: string;
  /** Our row id. */
  accountId: string;
  accessToken: string;
  teamAccountId: string | null;
  plan: string | null;
  /** Always null here: upstream/identity.ts binds PROXY_URL per token. */
  proxyUrl: string | null;
  /** Masked credential, for logs. */
  label: string;
}

export interface LeaseInput {
  model: string;
  exclude: ReadonlySet<string>;
  /**
   * Only this account (the one holding a continued conversation). When it cannot serve at all (removed, failed,
   * disabled) the lease throws a 503 saying so, rather than answering null (which would mean "no pool").
   */
  only?: string;
}

export interface AccountPool {
  /**
   * A healthy account that offers `model` and is not resting, other than those in `exclude`. Null when there is
   * nothing to try: no usable account at all (the caller goes anonymous) or every one already tried (the caller
   * ends with its last error). Throws RateLimitError (Retry-After = soonest clear) when all the rest are resting.
   */
  lease(input: LeaseInput): Promise<AccountLease | null>;
  report(lease: AccountLease, outcome: AttemptOutcome): Promise<void>;
  /** Seconds until `model` may be used again on this account or own access token; null when it may now. */
  cooldownFor(accessTokenOrAccountId: string, model: string): Promise<number | null>;
  /** Records a cap met with a caller's own access token, so later requests honour it (ENABLE_LIMIT). */
  reportOwn(accessToken: string, outcome: AttemptOutcome): Promise<void>;
}

export interface AccountPoolDeps {
  store: Store;
  /** The accounts and cooldowns to select from; by default a view over `store`. */
  view?: PoolView;
  refresher: Refresher;
  config: Pick<Config, "randomToken" | "enableLimit">;
  logger: Logger;
  now?: () => number;
  random?: () => number;
}

/** The cooldown subject of a caller's own access token: a digest, so the token is never stored. */
export function ownTokenSubject(accessToken: string): string {
  return `at:${secretDigest(accessToken).slice(0, 32)}`;
}

function restingUntil(model: string, cooldowns: readonly CooldownRow[], enableLimit: boolean, nowMs: number): number | null {
  let until: number | null = null;
  for (const c of cooldowns) {
    if (c.untilMs <= nowMs || (c.model !== model && c.model !== ALL_MODELS)) continue;
    // caps are recorded always but only honoured with ENABLE_LIMIT (upstream.md §8.7); blocks always
    if (c.reason === "capped" && !enableLimit) continue;
    until = Math.max(until ?? 0, c.untilMs);
  }
  return until;
}

/** The accounts a lease may choose from: all of them, or the one it is bound to (which must be able to serve). */
function candidatesOf(view: PoolSnapshot, only: string | undefined): readonly AccountRow[] {
  if (only === undefined) return view.accounts;
  const account = view.get(only);
  if (account?.status === "active") return [account];
  const state = account ? `is ${account.status}${account.lastError ? ` (${account.lastError})` : ""}` : "was removed from the pool";
  throw new UpstreamFailureError(503, `The account that holds this conversation ${state}; a conversation cannot move to another account. Start a new one.`, {
    code: "conversation_account_unavailable",
  });
}

export function createAccountPool({ store, view, refresher, config, logger, now = Date.now, random = Math.random }: AccountPoolDeps): AccountPool {
  const pool = view ?? createPoolView(store, now);
  /** Round-robin cursor: the id last handed out; the next lease takes the first id after it. */
  let cursor = "";

  /** `ready` is in id order (the view's), so round-robin is one pass. */
  function pick(ready: readonly AccountRow[]): AccountRow {
    if (config.randomToken) return ready[Math.floor(random() * ready.length)] ?? (ready[0] as AccountRow);
    const next = ready.find((a) => a.id > cursor) ?? (ready[0] as AccountRow);
    cursor = next.id;
    return next;
  }

  /** A usable access token for the account, refreshing first when it is stale; null when it has none. */
  async function usableToken(account: AccountRow): Promise<AccountRow | null> {
    const nowMs = now();
    if (!isTokenStale(account, nowMs)) return account;
    if (account.refreshToken) {
      const result = await refresher.refreshAccount(account.id, { force: false });
      const fresh = await store.getAccount(account.id);
      if (result.type === "revoked" || !fresh || fresh.status !== "active") return null;
      if (fresh.accessToken && (fresh.accessTokenExpiresAt === null || fresh.accessTokenExpiresAt > nowMs)) return fresh;
      return null;
    }
    if (account.accessToken && account.accessTokenExpiresAt !== null && account.accessTokenExpiresAt <= nowMs) {
      await store.updateAccount(account.id, { status: "failed", lastError: "access token expired and there is no refresh token" });
      return null;
    }
    return account.accessToken ? account : null;
  }

  return {
    async lease({ model, exclude, only }) {
      const tried = new Set(exclude);
      for (;;) {
        const nowMs = now();
        const snapshot = await pool.current();
        // one pass over what may be thousands of accounts: the reasons to skip each, in the order they are reported
        let usable = 0;
        let offering = 0;
        let soonest = Number.POSITIVE_INFINITY;
        const ready: AccountRow[] = [];
        for (const a of candidatesOf(snapshot, only)) {
          if (a.status !== "active") continue;
          usable++;
          if (!offersModel(a.plan, model)) continue;
          offering++;
          if (tried.has(a.id)) continue;
          const until = restingUntil(model, snapshot.cooldownsOf(a.id), config.enableLimit, nowMs);
          if (until === null) ready.push(a);
          else soonest = Math.min(soonest, until);
        }
        if (usable === 0) return null;
        if (offering === 0) throw new ModelNotFoundError(model);
        if (ready.length === 0 && soonest === Number.POSITIVE_INFINITY) return null;
        if (ready.length === 0) {
          throw new RateLimitError(
            `Every account in the pool is resting for ${model}; try again in ${Math.ceil((soonest - nowMs) / 1000)} s.`,
            Math.max(1, (soonest - nowMs) / 1000),
          );
        }
        const group = tierPreference(model).find((tiers) => ready.some((a) => tiers.includes(planTier(a.plan)))) ?? [];
        const chosen = pick(ready.filter((a) => group.includes(planTier(a.plan))));
        const account = await usableToken(chosen);
        if (!account?.accessToken) {
          tried.add(chosen.id);
          continue;
        }
        return {
          leaseId: crypto.randomUUID(),
          accountId: account.id,
          accessToken: account.accessToken,
          teamAccountId: account.teamAccountId === "" ? null : account.teamAccountId,
          plan: account.plan,
          proxyUrl: null,
          label: maskSecret(account.credential),
        };
      }
    },

    async report(lease, outcome) {
      const nowMs = now();
      const account = (await pool.current()).get(lease.accountId);
      if (!account) return;
      const change = nextAccountState({ canRefresh: account.refreshToken !== null, refreshedAt: account.refreshToken ? account.accessTokenIssuedAt : null }, outcome, nowMs);
      if (change.counted) await store.recordUse(account.id, { ok: change.counted === "success", at: nowMs });
      if (change.cooldown) await store.setCooldown({ subject: account.id, ...change.cooldown });
      if (change.fail) await store.updateAccount(account.id, { status: "failed", lastError: change.fail });
      // unchanged (the usual success clearing an already clear error) is no write, so no change every instance re-reads
      else if (change.lastError !== undefined && change.lastError !== account.lastError) await store.updateAccount(account.id, { lastError: change.lastError });
      if (change.refresh) await refresher.refreshAccount(account.id, { force: true });
      if (outcome.type !== "success") logger.info("account attempt failed", { account: account.id, label: lease.label, outcome: outcome.type });
    },

    async cooldownFor(accessTokenOrAccountId, model) {
      const nowMs = now();
      const snapshot = await pool.current();
      const subject = snapshot.get(accessTokenOrAccountId) ? accessTokenOrAccountId : ownTokenSubject(accessTokenOrAccountId);
      const until = restingUntil(model, snapshot.cooldownsOf(subject), config.enableLimit, nowMs);
      return until === null ? null : Math.max(1, Math.ceil((until - nowMs) / 1000));
    },

    async reportOwn(accessToken, outcome) {
      const change = nextAccountState({ canRefresh: false, refreshedAt: null }, outcome, now());
      if (change.cooldown) await store.setCooldown({ subject: ownTokenSubject(accessToken), ...change.cooldown });
    },
  };
}
