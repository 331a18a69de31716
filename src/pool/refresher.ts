/**
 * @module Keeps access tokens fresh: refreshes pool accounts (one flight per account in this process, one at a time
 * across the instances sharing the store) and exchanges callers' own refresh tokens (one flight per token, cached
 * until near expiry). A revoked token is remembered and never sent
 * again (upstream.md §16.4); a passing failure changes nothing but the account's last error.
 *
 * Refresh tokens are single-use and rotate (codex.md §1.5), so an account's token is sent at most once: the send is
 * marked in the store first, and the successor is stored in the transaction that records the old token as spent.
 * A mark found still set (the process died, or the answer was lost on the way) means the token may be spent: the
 * account is failed rather than the token resent, since a replay can revoke the whole grant.
 *
 * A caller's own refresh token is tried with each known client (account-grant.ts; the one that answered is remembered
 * per token digest). When the answer rotates it (Codex tokens always do), the caller's token is spent and the
 * successor cannot be handed back to them: the access token serves until its expiry, and a later exchange of the
 * same token is refused here with a plain reason instead of being sent (a replay would revoke the caller's grant).
 *
 * Web session tokens (kind `session`, web-2026.md §8.1) are renewed the same way under the same lock and flight, by
 * session-refresh.ts: the account's `refreshToken` holds its current session token.
 */
import type { Logger } from "../logger.ts";
import { maskSecret } from "../logger.ts";
import type { AccountRow, Store } from "../store/store.ts";
import { readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import { CODEX_CLIENT_ID } from "../engines/codex/auth/oauth-clients.ts";
import type { RefreshOutcome } from "../engines/codex/auth/refresh-token.ts";
import { readJwtClaims } from "../engines/web/auth/read-jwt-claims.ts";
import type { AccountGrant } from "./account-grant.ts";
import { LruMap } from "./lru-map.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { SessionGrant } from "./session-grant.ts";
import { createSessionCredentials, type OwnSessionExchange } from "./session-refresh.ts";
import { createSingleFlight } from "./single-flight.ts";
import { secretDigest } from "./token-kind.ts";

const DAY_MS = 86_400_000;
/** Refresh when less than this is left before `exp`. */
export const REFRESH_BEFORE_EXPIRY_MS = DAY_MS;
/** Without `exp`, a token older than this counts as stale (chat2api's rule, upstream.md §8.2). */
export const MAX_AGE_WITHOUT_EXPIRY_MS = 5 * DAY_MS;
/** Own tokens remembered, good and revoked alike: bounded, since anyone can send a token-shaped bearer. */
const OWN_CACHE_LIMIT = 10_000;

export interface TokenState {
  accessToken: string | null;
  accessTokenExpiresAt: number | null;
  accessTokenIssuedAt: number | null;
}

export function isTokenStale(state: TokenState, nowMs: number): boolean {
  if (!state.accessToken) return true;
  if (state.accessTokenExpiresAt !== null) return state.accessTokenExpiresAt - nowMs < REFRESH_BEFORE_EXPIRY_MS;
  if (state.accessTokenIssuedAt !== null) return nowMs - state.accessTokenIssuedAt > MAX_AGE_WITHOUT_EXPIRY_MS;
  return false;
}

export type AccountRefreshResult =
  | { type: "refreshed" }
  | { type: "skipped"; reason: string }
  | { type: "revoked"; reason: string }
  | { type: "unavailable"; reason: string };

export interface RefreshReport {
  refreshed: number;
  failed: number;
  skipped: number;
  /** Masked labels only. */
  failures: Array<{ accountId: string; label: string; reason: string }>;
}

export type OwnExchange =
  | { type: "ok"; accessToken: string }
  | { type: "revoked"; reason: string }
  | { type: "unavailable"; reason: string }
  /** The OAuth call this exchange needs is over the client's (or everyone's) budget; nothing was sent. */
  | { type: "throttled"; retryAfterSec: number }
  /** A single-use token this server already exchanged, whose access token has expired; nothing was sent. */
  | { type: "spent"; reason: string };

export interface Refresher {
  refreshAccount(accountId: string, options: { force: boolean }): Promise<AccountRefreshResult>;
  /** Every account that has a refresh token, one after another (gentle on the OAuth host). */
  refreshAll(options: { force: boolean }): Promise<RefreshReport>;
  /**
   * A caller's own refresh token → access token. Answers from memory when it can; an OAuth call is spent from
   * `clientAddress`'s budget (and everyone's), so strangers cannot make the server call the OAuth host at will.
   */
  exchange(refreshToken: string, options?: { clientAddress?: string | null }): Promise<OwnExchange>;
  /** A caller's own web session token → access token (session-refresh.ts), on the same budget as `exchange`. */
  exchangeSession(sessionToken: string, options?: { clientAddress?: string | null; teamAccountId?: string | null }): Promise<OwnSessionExchange>;
}

export interface RefresherDeps {
  store: Store;
  /** Refresh tokens (pool accounts' and callers' own), with their client or each known client in turn. */
  accountGrant: AccountGrant;
  logger: Logger;
  now?: () => number;
  /** Budget of OAuth calls for callers' own tokens, keyed by client address; unlimited when absent. */
  exchangeLimiter?: RateLimiter;
  /** Session tokens (pool accounts' and callers' own); without it they are not exchanged. */
  sessionGrant?: SessionGrant;
}

/** Why a session token is not exchanged by a refresher built without a way to (tests that need none). */
const NO_SESSION_GRANT: SessionGrant = async () => ({ type: "unavailable", reason: "session tokens cannot be exchanged here" });

/** Why an account whose refresh was marked in flight is failed rather than refreshed. */
export const INTERRUPTED_REFRESH =
  "an earlier refresh got no stored answer (the server stopped or the answer was lost), so its single-use refresh token may be spent and is not sent again: sign in again";
const SPENT_REFRESH = "this refresh token was already exchanged for a newer one, which is not stored here; it is not sent again: sign in again";
/** Why a caller's own single-use refresh token is not exchanged a second time. */
export const OWN_REFRESH_SPENT =
  "this refresh token is single-use and was already exchanged here; the access token it gave has expired and its successor was not kept (chat2api cannot hand it back to you). Sign in again for a new one, send an access token instead, or add the account to the pool, which keeps the rotation";
/** A spent token's access token is no longer offered this close to its expiry, so a request does not start with a dying token. */
const SPENT_ACCESS_MARGIN_MS = 60_000;

interface OwnGrant extends TokenState {
  accessToken: string;
  /** The OAuth host rotated the caller's token: it cannot be exchanged again. */
  spent: boolean;
}

export function createRefresher({ store, accountGrant, logger, now = Date.now, exchangeLimiter, sessionGrant = NO_SESSION_GRANT }: RefresherDeps): Refresher {
  const flight = createSingleFlight();
  const sessions = createSessionCredentials({ store, sessionGrant, logger, now, flight, ...(exchangeLimiter ? { exchangeLimiter } : {}) });
  const ownCache = new LruMap<string, OwnGrant>(OWN_CACHE_LIMIT);
  const ownRevoked = new LruMap<string, string>(OWN_CACHE_LIMIT);
  /** The OAuth client that took a caller's token, by token digest: a reusable token is not tried with the others again. */
  const ownClient = new LruMap<string, string>(OWN_CACHE_LIMIT);

  /** A spent token's access token serves until its expiry (there is no refreshing it); a reusable one is refreshed early. */
  function ownUsable(grant: OwnGrant): boolean {
    if (!grant.spent) return !isTokenStale(grant, now());
    return grant.accessTokenExpiresAt === null || grant.accessTokenExpiresAt - now() > SPENT_ACCESS_MARGIN_MS;
  }

  async function exchangeOwn(refreshToken: string, key: string): Promise<OwnExchange> {
    const grant = await accountGrant(refreshToken, ownClient.get(key) ?? null);
    switch (grant.type) {
      case "ok": {
        ownClient.set(key, grant.clientId);
        const { accessToken, refreshToken: successor } = grant.tokens;
        const spent = successor !== null && successor !== refreshToken;
        const claims = readJwtClaims(accessToken);
        ownCache.set(key, { accessToken, accessTokenExpiresAt: claims.expiresAtMs, accessTokenIssuedAt: now(), spent });
        if (spent) logger.info("caller's refresh token exchanged and rotated; its access token is cached until expiry", { label: maskSecret(refreshToken), client: grant.clientId === CODEX_CLIENT_ID ? "codex" : "web" });
        return { type: "ok", accessToken };
      }
      case "reused":
      case "revoked":
        ownRevoked.set(key, grant.reason);
        logger.warn("caller's refresh token is revoked", { label: maskSecret(refreshToken), reason: grant.reason });
        return { type: "revoked", reason: grant.reason };
      case "unavailable":
        return { type: "unavailable", reason: grant.reason };
      default: {
        const _exhaustiveCheck: never = grant;
        return _exhaustiveCheck;
      }
    }
  }

  /** The account when it is to be refreshed now, else why not. */
  function refreshable(account: AccountRow | null, force: boolean): (AccountRow & { refreshToken: string }) | string {
    if (!account) return "no such account";
    const { refreshToken } = account;
    if (!refreshToken) return "no refresh token";
    if (account.status !== "active") return `account is ${account.status}`;
    if (!force && !isTokenStale(account, now())) return "access token still fresh";
    return { ...account, refreshToken };
  }

  /**
   * Another instance sharing the store refreshed the account while this one waited for the lock: its token differs
   * from the one read before waiting, or was issued after this refresh was asked for.
   */
  function refreshedMeanwhile(before: AccountRow, current: AccountRow, askedAt: number): boolean {
    if (current.accessToken !== before.accessToken || current.refreshToken !== before.refreshToken) return true;
    return current.accessTokenIssuedAt !== null && current.accessTokenIssuedAt > askedAt;
  }

  async function refreshAccountNow(accountId: string, force: boolean, askedAt: number): Promise<AccountRefreshResult> {
    const before = refreshable(await store.getAccount(accountId), force);
    if (typeof before === "string") return { type: "skipped", reason: before };
    // the lock spans instances: whoever waited reads the account again, and with it any rotated refresh token
    return store.withLock(`refresh:${accountId}`, async () => {
      const account = refreshable(await store.getAccount(accountId), force);
      if (typeof account === "string") return { type: "skipped", reason: account };
      if (refreshedMeanwhile(before, account, askedAt)) return { type: "skipped", reason: "refreshed by another instance a moment ago" };
      return exchangeForAccount(account);
    });
  }

  async function fail(account: AccountRow, reason: string, extra: { oauthClientId?: string } = {}): Promise<AccountRefreshResult> {
    await store.updateAccount(account.id, { status: "failed", lastError: reason, refreshStartedAt: null, ...extra });
    logger.warn("account refresh token unusable; account marked failed", { account: account.id, label: maskSecret(account.credential), reason });
    return { type: "revoked", reason };
  }

  async function exchangeForAccount(account: AccountRow & { refreshToken: string }): Promise<AccountRefreshResult> {
    if (account.kind === "session") return sessions.refreshAccount(account);
    const { id: accountId, refreshToken } = account;
    if (account.refreshStartedAt !== null) return fail(account, INTERRUPTED_REFRESH);
    if (await store.isRefreshTokenUsed(refreshToken)) return fail(account, SPENT_REFRESH);
    // committed before the token leaves: whoever finds it set later knows the token may be spent
    await store.updateAccount(accountId, { refreshStartedAt: now() });
    // an account stored before its client was kept still has the access token its client issued, which names it
    const outcome = await accountGrant(refreshToken, account.oauthClientId, account.accessToken);
    const label = maskSecret(account.credential);
    switch (outcome.type) {
      case "ok":
        return storeGrant(account, outcome);
      case "reused":
        return fail(account, outcome.reason, { oauthClientId: outcome.clientId });
      case "revoked":
        return fail(account, outcome.reason);
      case "unavailable":
        if (outcome.mayHaveReached) return fail(account, `refresh failed after it may have reached the OAuth host (${outcome.reason}); ${INTERRUPTED_REFRESH}`);
        await store.updateAccount(accountId, { lastError: `refresh failed: ${outcome.reason}`, refreshStartedAt: null });
        logger.warn("account refresh failed; will try again later", { account: accountId, label, reason: outcome.reason });
        return { type: "unavailable", reason: outcome.reason };
      default: {
        const _exhaustiveCheck: never = outcome;
        return _exhaustiveCheck;
      }
    }
  }

  async function storeGrant(account: AccountRow & { refreshToken: string }, { clientId, tokens }: Extract<RefreshOutcome, { type: "ok" }>): Promise<AccountRefreshResult> {
    const claims = readCodexClaims(tokens.accessToken);
    const codex = clientId === CODEX_CLIENT_ID;
    const patch = {
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: claims.expiresAtMs,
      accessTokenIssuedAt: now(),
      plan: claims.planType ?? account.plan,
      lastError: null,
      oauthClientId: clientId,
      kind: codex ? ("codex-refresh" as const) : account.kind,
      chatgptAccountId: claims.chatgptAccountId ?? account.chatgptAccountId,
    };
    const successor = tokens.refreshToken !== null && tokens.refreshToken !== account.refreshToken ? tokens.refreshToken : null;
    const label = maskSecret(account.credential);
    if (successor === null) {
      await store.updateAccount(account.id, { ...patch, refreshStartedAt: null });
    } else if (!(await store.commitRefresh(account.id, account.refreshToken, { ...patch, refreshToken: successor }))) {
      // only under a broken lock: the row's token changed while this one was out; the successor cannot be kept safely
      logger.error("account changed during its refresh; the new refresh token was not stored", { account: account.id, label });
      return { type: "unavailable", reason: "the account changed during its refresh" };
    }
    logger.info("account refreshed", { account: account.id, label, rotated: successor !== null, client: codex ? "codex" : "web" });
    return { type: "refreshed" };
  }

  return {
    refreshAccount(accountId, { force }) {
      // a forced and a lazy refresh of the same account share the flight: either gives a fresh token
      const askedAt = now();
      return flight(`account:${accountId}`, () => refreshAccountNow(accountId, force, askedAt));
    },

    async refreshAll({ force }) {
      const report: RefreshReport = { refreshed: 0, failed: 0, skipped: 0, failures: [] };
      for (const account of await store.listAccounts()) {
        if (!account.refreshToken) continue;
        const result = await this.refreshAccount(account.id, { force });
        if (result.type === "refreshed") report.refreshed++;
        else if (result.type === "skipped") report.skipped++;
        else {
          report.failed++;
          report.failures.push({ accountId: account.id, label: maskSecret(account.credential), reason: result.reason });
        }
      }
      return report;
    },

    exchange(refreshToken, options = {}) {
      const key = secretDigest(refreshToken);
      const revoked = ownRevoked.get(key);
      if (revoked !== undefined) return Promise.resolve({ type: "revoked", reason: revoked });
      const cached = ownCache.get(key);
      if (cached && ownUsable(cached)) return Promise.resolve({ type: "ok", accessToken: cached.accessToken });
      // sending it again would be a replay, which the OAuth host may answer by revoking the caller's whole grant
      if (cached?.spent) return Promise.resolve({ type: "spent", reason: OWN_REFRESH_SPENT });
      return flight(`own:${key}`, async (): Promise<OwnExchange> => {
        const budget = exchangeLimiter?.take(options.clientAddress ?? "unknown") ?? { allowed: true };
        if (!budget.allowed) return { type: "throttled", retryAfterSec: budget.retryAfterSec };
        return exchangeOwn(refreshToken, key);
      });
    },

    exchangeSession(sessionToken, options = {}) {
      return sessions.exchangeOwn(sessionToken, options);
    },
  };
}
