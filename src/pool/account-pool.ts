/**
 * @module The account pool: leases a healthy account for one attempt and learns from the outcome. Selection
 * skips failed and disabled accounts, accounts resting for the model (upstream.md §16.6), and accounts whose plan
 * does not offer it; caps live in the Store so they survive restarts. Accounts and cooldowns are read from the
 * in-memory pool view, never the whole table per lease.
 *
 * A Codex lease (`engine: "codex"`) chooses among the accounts that may serve Codex the one with the most headroom in
 * the window that binds it, skipping those resting on their quota (quota-scheduling.ts); `reportQuota` records what
 * each reply said about the windows and rests a spent account until the reset it was told.
 */
import type { Config } from "../config.ts";
import { isCodexAccessToken } from "../engines/codex/auth/codex-claims.ts";
import { CODEX_CLIENT_ID } from "../engines/codex/auth/oauth-clients.ts";
import type { QuotaWindows } from "../engines/codex/quota.ts";
import type { Logger } from "../logger.ts";
import { maskSecret } from "../logger.ts";
import type { AccountRow, CooldownRow, Store } from "../store/store.ts";
import type { AttemptOutcome } from "./attempt-outcome.ts";
import { PoolRefusal } from "./pool-refusal.ts";
import type { CodexCatalogs } from "./codex-catalogs.ts";
import { ALL_MODELS, nextAccountState } from "./cooldown.ts";
import { offersModel, planTier, tierPreference } from "./model-access.ts";
import { createPoolView, type PoolSnapshot, type PoolView } from "./pool-view.ts";
import { CODEX_ALL_MODELS, createQuotaBook, mayServeCodex, mostHeadroom } from "./quota-scheduling.ts";
import type { Refresher } from "./refresher.ts";
import { createUsableToken } from "./usable-token.ts";
import { secretDigest } from "./token-kind.ts";

export interface AccountLease {
  leaseId: string;
  /** Our row id. */
  accountId: string;
  accessToken: string;
  teamAccountId: string | null;
  /** The `ChatGPT-Account-ID` header of the Codex backend (from the token's claims); null when unknown. */
  chatgptAccountId: string | null;
  plan: string | null;
  /** Always null here: upstream/identity.ts binds PROXY_URL per token. */
  proxyUrl: string | null;
  /** Masked credential, for logs. */
  label: string;
  /** The upstream the lease was for: what an outcome says about the account depends on it. */
  engine: "web" | "codex";
}

export interface LeaseInput {
  model: string;
  exclude: ReadonlySet<string>;
  /**
   * Only this account (the one holding a continued conversation). When it cannot serve at all (removed, failed,
   * disabled) the lease refuses (conversation-account-unavailable) saying so, rather than answering null (which would mean "no pool").
   */
  only?: string;
  /**
   * Which upstream the attempt goes to; "web" when absent. "codex" leases only accounts that may serve Codex
   * (a Codex credential, `hasCodex` not false) and hands out only Codex access tokens, preferring the most headroom.
   */
  engine?: "web" | "codex";
}

export interface AccountPool {
  /**
   * A healthy account that offers `model` and is not resting, other than those in `exclude`. Null when there is
   * nothing to try: no usable account at all (the caller goes anonymous) or every one already tried (the caller
   * ends with its last error). Refuses (PoolRefusal all-resting, with the soonest clear) when all the rest are resting.
   */
  lease(input: LeaseInput): Promise<AccountLease | null>;
  report(lease: AccountLease, outcome: AttemptOutcome): Promise<void>;
  /** Seconds until `model` may be used again on this account or own access token; null when it may now. */
  cooldownFor(accessTokenOrAccountId: string, model: string): Promise<number | null>;
  /** Records a cap met with a caller's own access token, so later requests honour it (ENABLE_LIMIT). */
  reportOwn(accessToken: string, outcome: AttemptOutcome): Promise<void>;
  /**
   * What a Codex reply (headers, `wham/usage`, or a 429 `usage_limit_reached` via `withUsageLimit`) said about the
   * account's quota: its windows are stored, and when one is spent (or `limitReachedUntil` is set) the account rests
   * for every Codex model until that reset. Returns when the account may serve Codex again (epoch ms), or null now.
   */
  reportQuota(accountId: string, quota: QuotaWindows): Promise<number | null>;
}

export interface AccountPoolDeps {
  store: Store;
  /** The accounts and cooldowns to select from; by default a view over `store`. */
  view?: PoolView;
  refresher: Refresher;
  config: Pick<Config, "randomToken" | "enableLimit">;
  logger: Logger;
  /** Each account's Codex catalog: a Codex lease skips accounts whose catalog does not list the model. */
  catalogs?: Pick<CodexCatalogs, "offers" | "revalidate">;
  now?: () => number;
  random?: () => number;
}

/** An account signed in through the Codex client: its token may or may not be taken by the web backend. */
function isCodexSignIn(account: Pick<AccountRow, "kind" | "oauthClientId">): boolean {
  return account.kind === "codex-access" || account.kind === "codex-refresh" || account.oauthClientId === CODEX_CLIENT_ID;
}

/** The cooldown subject of a caller's own access token: a digest, so the token is never stored. */
export function ownTokenSubject(accessToken: string): string {
  return `at:${secretDigest(accessToken).slice(0, 32)}`;
}

/** `engineWide`: the cooldown model that rests every model of the engine asked for (CODEX_ALL_MODELS), if any. */
function restingUntil(model: string, cooldowns: readonly CooldownRow[], enableLimit: boolean, nowMs: number, engineWide?: string): number | null {
  let until: number | null = null;
  for (const c of cooldowns) {
    if (c.untilMs <= nowMs || (c.model !== model && c.model !== ALL_MODELS && c.model !== engineWide)) continue;
    // caps are recorded always but only honoured with ENABLE_LIMIT (upstream.md §8.7); blocks always
    if (c.reason === "capped" && !enableLimit) continue;
    until = Math.max(until ?? 0, c.untilMs);
  }
  return until;
}

/** Thrown when every account that could serve rests: nothing is sent upstream, the caller is told when to come back. */
function everyoneResting(what: string, soonest: number, nowMs: number): PoolRefusal {
  const retryAfterSec = Math.max(1, (soonest - nowMs) / 1000);
  return new PoolRefusal({ kind: "all-resting", retryAfterSec }, `Every ${what}; try again in ${Math.ceil((soonest - nowMs) / 1000)} s.`);
}

function notOffered(model: string): PoolRefusal {
  return new PoolRefusal({ kind: "model-not-offered", model }, `The model \`${model}\` does not exist or you do not have access to it.`);
}

/** The accounts a lease may choose from: all of them, or the one it is bound to (which must be able to serve). */
function candidatesOf(view: PoolSnapshot, only: string | undefined): readonly AccountRow[] {
  if (only === undefined) return view.accounts;
  const account = view.get(only);
  if (account?.status === "active") return [account];
  const state = account ? `is ${account.status}${account.lastError ? ` (${account.lastError})` : ""}` : "was removed from the pool";
  throw new PoolRefusal(
    { kind: "conversation-account-unavailable" },
    `The account that holds this conversation ${state}; a conversation cannot move to another account. Start a new one.`,
  );
}

export function createAccountPool({ store, view, refresher, config, logger, catalogs, now = Date.now, random = Math.random }: AccountPoolDeps): AccountPool {
  const pool = view ?? createPoolView(store, now);
  const quotas = createQuotaBook(store, now);
  const usableToken = createUsableToken({ store, refresher, now });
  /** Round-robin cursors, one per engine: the id last handed out; the next lease takes the first id after it. */
  const cursors = { web: "", codex: "" };

  /** `ready` is in id order (the view's), so round-robin is one pass. */
  function pick(ready: readonly AccountRow[], engine: keyof typeof cursors = "web"): AccountRow {
    if (config.randomToken) return ready[Math.floor(random() * ready.length)] ?? (ready[0] as AccountRow);
    const next = ready.find((a) => a.id > cursors[engine]) ?? (ready[0] as AccountRow);
    cursors[engine] = next.id;
    return next;
  }

  function leaseOf(account: AccountRow & { accessToken: string }, engine: AccountLease["engine"]): AccountLease {
    return {
      leaseId: crypto.randomUUID(),
      accountId: account.id,
      accessToken: account.accessToken,
      teamAccountId: account.teamAccountId === "" ? null : account.teamAccountId,
      chatgptAccountId: account.chatgptAccountId,
      plan: account.plan,
      proxyUrl: null,
      label: maskSecret(account.credential),
      engine,
    };
  }

  /** The Codex side of `lease`: most headroom first, resting accounts skipped, Codex access tokens only. */
  async function leaseCodex({ model, exclude, only }: LeaseInput): Promise<AccountLease | null> {
    const tried = new Set(exclude);
    await quotas.catchUp();
    for (;;) {
      const nowMs = now();
      const snapshot = await pool.current();
      let capable = 0;
      let offering = 0;
      let soonest = Number.POSITIVE_INFINITY;
      const ready: Array<{ account: AccountRow; headroom: number }> = [];
      for (const account of candidatesOf(snapshot, only)) {
        if (account.status !== "active" || !mayServeCodex(account)) continue;
        capable++;
        // an account whose catalog is not known yet is tried: its answer tells
        if (catalogs?.offers(account.id, model) === false) continue;
        offering++;
        if (tried.has(account.id)) continue;
        // rests are cooldown rows only, so ending one in the management API lets the account be tried again
        const until = restingUntil(model, snapshot.cooldownsOf(account.id), config.enableLimit, nowMs, CODEX_ALL_MODELS);
        if (until === null) ready.push({ account, headroom: quotas.standing(account.id, nowMs).headroom });
        else soonest = Math.min(soonest, until);
      }
      if (capable === 0) return null;
      if (offering === 0) throw notOffered(model);
      if (ready.length === 0 && soonest === Number.POSITIVE_INFINITY) return null;
      if (ready.length === 0) throw everyoneResting(`Codex account in the pool is resting on its quota for ${model}`, soonest, nowMs);
      const chosen = pick(mostHeadroom(ready).map((entry) => entry.account), "codex");
      const account = await usableToken(chosen);
      // a refresh token of unknown client may have turned out to be the web client's: its token is no use to Codex
      if (!account?.accessToken || !isCodexAccessToken(account.accessToken)) {
        tried.add(chosen.id);
        continue;
      }
      // learnt or renewed behind the request, with the token it now has
      void catalogs?.revalidate(account);
      return leaseOf({ ...account, accessToken: account.accessToken }, "codex");
    }
  }

  return {
    async lease(input) {
      if (input.engine === "codex") return leaseCodex(input);
      const { model, exclude, only } = input;
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
          // a Codex sign-in the web backend refused serves the Codex engine only
          if (a.status !== "active" || a.hasWeb === false) continue;
          usable++;
          if (!offersModel(a.plan, model)) continue;
          offering++;
          if (tried.has(a.id)) continue;
          const until = restingUntil(model, snapshot.cooldownsOf(a.id), config.enableLimit, nowMs);
          if (until === null) ready.push(a);
          else soonest = Math.min(soonest, until);
        }
        if (usable === 0) return null;
        if (offering === 0) throw notOffered(model);
        if (ready.length === 0 && soonest === Number.POSITIVE_INFINITY) return null;
        if (ready.length === 0) throw everyoneResting(`account in the pool is resting for ${model}`, soonest, nowMs);
        const group = tierPreference(model).find((tiers) => ready.some((a) => tiers.includes(planTier(a.plan)))) ?? [];
        const chosen = pick(ready.filter((a) => group.includes(planTier(a.plan))));
        const account = await usableToken(chosen);
        if (!account?.accessToken) {
          tried.add(chosen.id);
          continue;
        }
        return leaseOf({ ...account, accessToken: account.accessToken }, "web");
      }
    },

    async report(lease, outcome) {
      const nowMs = now();
      const account = (await pool.current()).get(lease.accountId);
      if (!account) return;
      // what the web backend says of a Codex sign-in is whether it takes it at all, not whether the account is alive
      if (lease.engine === "web" && isCodexSignIn(account)) {
        if (outcome.type === "unauthorized") {
          await store.updateAccount(account.id, { hasWeb: false, lastError: "the web backend does not take this Codex sign-in (401): the account serves the Codex engine only" });
          logger.info("codex account refused by the web backend; kept for codex", { account: account.id, label: lease.label });
          return;
        }
        if (outcome.type === "success" && account.hasWeb !== true) await store.updateAccount(account.id, { hasWeb: true });
      }
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

    async reportQuota(accountId, quota) {
      const nowMs = now();
      const account = (await pool.current()).get(accountId);
      // removed meanwhile: its windows would be rows of no account
      if (!account) return null;
      await store.saveQuotaWindows(accountId, quota.windows, quota.observedAt);
      await quotas.catchUp();
      quotas.record(accountId, quota);
      // the book holds every window heard for the account, not only those in this reply
      const spent = quotas.standing(accountId, nowMs).restingUntil;
      const told = quota.limitReachedUntil !== null && quota.limitReachedUntil > nowMs ? quota.limitReachedUntil : null;
      const until = spent === null ? told : Math.max(spent, told ?? 0);
      if (until !== null) {
        await store.setCooldown({ subject: accountId, model: CODEX_ALL_MODELS, untilMs: until, reason: "quota" });
        logger.info("account resting on its Codex quota", { account: accountId, untilMs: until });
      }
      // an answer with quota came from the Codex backend: the account has Codex
      if (account.hasCodex !== true) await store.updateAccount(accountId, { hasCodex: true });
      return until;
    },
  };
}
