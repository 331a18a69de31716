/**
 * @module Session tokens as credentials (web-2026.md §8.1): a pool account's session is exchanged for an access token
 * and a rotated session token is stored in the transaction that records the old one as spent (the refresher holds
 * the account's lock and flight around it, so one account's session is never exchanged twice at once); a caller's
 * own session token is exchanged once per access token, its rotated successor kept in memory for the next exchange.
 *
 * Unlike a refresh token, a session token sent again does no harm beyond being refused (`{}`), so an exchange whose
 * answer was lost is simply tried again: there is no in-flight mark to fail the account on.
 */
import type { SessionGrantOutcome } from "../engines/web/auth/session-exchange.ts";
import { readCodexClaims } from "../engines/codex/auth/codex-claims.ts";
import type { Logger } from "../logger.ts";
import { maskSecret } from "../logger.ts";
import type { AccountRow, Store } from "../store/store.ts";
import { LruMap } from "./lru-map.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { AccountRefreshResult } from "./refresher.ts";
import type { SessionGrant } from "./session-grant.ts";
import type { SingleFlight } from "./single-flight.ts";
import { secretDigest } from "./token-kind.ts";

/** Own sessions remembered, good and dead alike: bounded, since anyone can send a session-shaped bearer. */
const OWN_CACHE_LIMIT = 10_000;
/** A caller's access token is exchanged again this long before its expiry (as refresh tokens are, refresher.ts). */
const RENEW_BEFORE_EXPIRY_MS = 86_400_000;

export type OwnSessionExchange =
  | { type: "ok"; accessToken: string }
  /** The session is over (or revoked): `reason` says so and what to do. */
  | { type: "dead"; reason: string }
  | { type: "unavailable"; reason: string }
  /** Over the client's (or everyone's) exchange budget; nothing was sent. */
  | { type: "throttled"; retryAfterSec: number };

export interface SessionCredentialsDeps {
  store: Pick<Store, "updateAccount" | "commitRefresh">;
  sessionGrant: SessionGrant;
  logger: Logger;
  now: () => number;
  /** Shared with the refresher: one exchange per token at a time. */
  flight: SingleFlight;
  /** Budget of exchanges for callers' own tokens, keyed by client address; unlimited when absent. */
  exchangeLimiter?: RateLimiter;
}

export interface SessionCredentials {
  /** Exchanges a pool account's session token (the account's `refreshToken`); the caller holds its lock. */
  refreshAccount(account: AccountRow & { refreshToken: string }): Promise<AccountRefreshResult>;
  /** A caller's own session token → access token, from memory when it can. */
  exchangeOwn(sessionToken: string, options?: { clientAddress?: string | null; teamAccountId?: string | null }): Promise<OwnSessionExchange>;
}

interface OwnSession {
  accessToken: string;
  expiresAtMs: number | null;
  /** The session token to send next: the caller's, or the successor a rotation gave. */
  current: string;
}

export function createSessionCredentials({ store, sessionGrant, logger, now, flight, exchangeLimiter }: SessionCredentialsDeps): SessionCredentials {
  const own = new LruMap<string, OwnSession>(OWN_CACHE_LIMIT);
  const ownDead = new LruMap<string, string>(OWN_CACHE_LIMIT);

  async function storeGrant(account: AccountRow & { refreshToken: string }, grant: Extract<SessionGrantOutcome, { type: "ok" }>): Promise<AccountRefreshResult> {
    const claims = readCodexClaims(grant.accessToken);
    const patch = {
      accessToken: grant.accessToken,
      accessTokenExpiresAt: claims.expiresAtMs,
      accessTokenIssuedAt: now(),
      plan: claims.planType ?? account.plan,
      chatgptAccountId: claims.chatgptAccountId ?? account.chatgptAccountId,
      lastError: null,
    };
    const label = maskSecret(account.credential);
    if (!grant.rotated) {
      await store.updateAccount(account.id, { ...patch, refreshStartedAt: null });
    } else if (!(await store.commitRefresh(account.id, account.refreshToken, { ...patch, refreshToken: grant.sessionToken }))) {
      logger.error("account changed during its session exchange; the rotated session token was not stored", { account: account.id, label });
      return { type: "unavailable", reason: "the account changed during its session exchange" };
    }
    logger.info("account session exchanged", { account: account.id, label, rotated: grant.rotated });
    return { type: "refreshed" };
  }

  async function exchangeOwnNow(key: string, sent: string, teamAccountId: string | null): Promise<OwnSessionExchange> {
    const grant = await sessionGrant(sent, { accountId: teamAccountId });
    switch (grant.type) {
      case "ok":
        own.set(key, { accessToken: grant.accessToken, expiresAtMs: readCodexClaims(grant.accessToken).expiresAtMs, current: grant.sessionToken });
        return { type: "ok", accessToken: grant.accessToken };
      case "dead":
        own.delete(key);
        ownDead.set(key, grant.reason);
        logger.warn("caller's session token is dead", { label: maskSecret(sent), reason: grant.reason });
        return grant;
      case "unavailable":
        return grant;
      default: {
        const _exhaustiveCheck: never = grant;
        return _exhaustiveCheck;
      }
    }
  }

  return {
    async refreshAccount(account) {
      const grant = await sessionGrant(account.refreshToken, { accountId: account.teamAccountId === "" ? null : account.teamAccountId });
      const label = maskSecret(account.credential);
      switch (grant.type) {
        case "ok":
          return storeGrant(account, grant);
        case "dead":
          await store.updateAccount(account.id, { status: "failed", lastError: grant.reason, refreshStartedAt: null });
          logger.warn("account session token is dead; account marked failed", { account: account.id, label, reason: grant.reason });
          return { type: "revoked", reason: grant.reason };
        case "unavailable":
          await store.updateAccount(account.id, { lastError: `session exchange failed: ${grant.reason}`, refreshStartedAt: null });
          logger.warn("account session exchange failed; will try again later", { account: account.id, label, reason: grant.reason });
          return { type: "unavailable", reason: grant.reason };
        default: {
          const _exhaustiveCheck: never = grant;
          return _exhaustiveCheck;
        }
      }
    },

    exchangeOwn(sessionToken, { clientAddress = null, teamAccountId = null } = {}) {
      const key = secretDigest(sessionToken);
      const dead = ownDead.get(key);
      if (dead !== undefined) return Promise.resolve({ type: "dead", reason: dead });
      const cached = own.get(key);
      if (cached && (cached.expiresAtMs === null || cached.expiresAtMs - now() > RENEW_BEFORE_EXPIRY_MS)) return Promise.resolve({ type: "ok", accessToken: cached.accessToken });
      return flight(`session:${key}`, async (): Promise<OwnSessionExchange> => {
        const budget = exchangeLimiter?.take(clientAddress ?? "unknown") ?? { allowed: true };
        if (!budget.allowed) return { type: "throttled", retryAfterSec: budget.retryAfterSec };
        const outcome = await exchangeOwnNow(key, cached?.current ?? sessionToken, teamAccountId);
        // an outage while the old access token still lives: it serves until its expiry
        if (outcome.type === "unavailable" && cached && (cached.expiresAtMs === null || cached.expiresAtMs > now())) return { type: "ok", accessToken: cached.accessToken };
        return outcome;
      });
    },
  };
}
