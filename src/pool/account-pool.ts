/**
 * @module The account pool: leases a healthy account for one attempt and learns from the outcome. Selection
 * skips failed and disabled accounts, accounts resting for the model (upstream.md §16.6), and accounts whose plan
 * does not offer it; caps live in the Store so they survive restarts.
 */
import type { Config } from "../config.ts";
import { ModelNotFoundError, RateLimitError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { maskSecret } from "../logger.ts";
import type { AccountRow, CooldownRow, Store } from "../store/store.ts";
import type { AttemptOutcome } from "./attempt-outcome.ts";
import { ALL_MODELS, nextAccountState } from "./cooldown.ts";
import { offersModel, planTier, tierPreference } from "./model-access.ts";
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

export interface AccountPool {
  /**
   * A healthy account that offers `model` and is not resting, other than those in `exclude`. Null when there is
   * nothing to try: no usable account at all (the caller goes anonymous) or every one already tried (the caller
   * ends with its last error). Throws RateLimitError (Retry-After = soonest clear) when all the rest are resting.
   */
  lease(input: { model: string; exclude: ReadonlySet<string> }): Promise<AccountLease | null>;
  report(lease: AccountLease, outcome: AttemptOutcome): Promise<void>;
  /** Seconds until `model` may be used again on this account or own access token; null when it may now. */
  cooldownFor(accessTokenOrAccountId: string, model: string): Promise<number | null>;
  /** Records a cap met with a caller's own access token, so later requests honour it (ENABLE_LIMIT). */
  reportOwn(accessToken: string, outcome: AttemptOutcome): Promise<void>;
}

export interface AccountPoolDeps {
  store: Store;
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

function restingUntil(subject: string, model: string, cooldowns: readonly CooldownRow[], enableLimit: boolean): number | null {
  let until: number | null = null;
  for (const c of cooldowns) {
    if (c.subject !== subject || (c.model !== model && c.model !== ALL_MODELS)) continue;
    // caps are recorded always but only honoured with ENABLE_LIMIT (upstream.md §8.7); blocks always
    if (c.reason === "capped" && !enableLimit) continue;
    until = Math.max(until ?? 0, c.untilMs);
  }
  return until;
}

export function createAccountPool({ store, refresher, config, logger, now = Date.now, random = Math.random }: AccountPoolDeps): AccountPool {
  /** Round-robin cursor: the id last handed out; the next lease takes the first id after it. */
  let cursor = "";

  function pick(ready: readonly AccountRow[]): AccountRow {
    if (config.randomToken) return ready[Math.floor(random() * ready.length)] ?? (ready[0] as AccountRow);
    const sorted = [...ready].sort((a, b) => (a.id < b.id ? -1 : 1));
    const next = sorted.find((a) => a.id > cursor) ?? (sorted[0] as AccountRow);
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
    async lease({ model, exclude }) {
      const tried = new Set(exclude);
      for (;;) {
        const nowMs = now();
        const usable = (await store.listAccounts()).filter((a) => a.status === "active");
        if (usable.length === 0) return null;
        const offering = usable.filter((a) => offersModel(a.plan, model));
        if (offering.length === 0) throw new ModelNotFoundError(model);
        const untried = offering.filter((a) => !tried.has(a.id));
        if (untried.length === 0) return null;
        const cooldowns = await store.activeCooldowns(nowMs);
        const ready = untried.filter((a) => restingUntil(a.id, model, cooldowns, config.enableLimit) === null);
        if (ready.length === 0) {
          const soonest = Math.min(...untried.map((a) => restingUntil(a.id, model, cooldowns, config.enableLimit) ?? nowMs));
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
      const account = await store.getAccount(lease.accountId);
      if (!account) return;
      const change = nextAccountState({ canRefresh: account.refreshToken !== null, refreshedAt: account.refreshToken ? account.accessTokenIssuedAt : null }, outcome, nowMs);
      if (change.counted) await store.recordUse(account.id, { ok: change.counted === "success", at: nowMs });
      if (change.cooldown) await store.setCooldown({ subject: account.id, ...change.cooldown });
      if (change.fail) await store.updateAccount(account.id, { status: "failed", lastError: change.fail });
      else if (change.lastError !== undefined) await store.updateAccount(account.id, { lastError: change.lastError });
      if (change.refresh) await refresher.refreshAccount(account.id, { force: true });
      if (outcome.type !== "success") logger.info("account attempt failed", { account: account.id, label: lease.label, outcome: outcome.type });
    },

    async cooldownFor(accessTokenOrAccountId, model) {
      const nowMs = now();
      const account = await store.getAccount(accessTokenOrAccountId);
      const subject = account ? account.id : ownTokenSubject(accessTokenOrAccountId);
      const until = restingUntil(subject, model, await store.activeCooldowns(nowMs), config.enableLimit);
      return until === null ? null : Math.max(1, Math.ceil((until - nowMs) / 1000));
    },

    async reportOwn(accessToken, outcome) {
      const change = nextAccountState({ canRefresh: false, refreshedAt: null }, outcome, now());
      if (change.cooldown) await store.setCooldown({ subject: ownTokenSubject(accessToken), ...change.cooldown });
    },
  };
}
