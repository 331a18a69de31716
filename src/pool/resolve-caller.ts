/**
 * @module What a client's bearer means (upstream.md §8.1, web-2026.md §8.1): a pool key, the caller's own access
 * token, a refresh token or a chatgpt.com session token to exchange, with an optional `,<team account id>`; no bearer
 * at all is anonymous use.
 */
import type { Config } from "../config.ts";
import { PoolRefusal } from "./pool-refusal.ts";
import { maskSecret } from "../logger.ts";
import type { Refresher } from "./refresher.ts";
import { parseSessionToken } from "../engines/web/auth/session-token.ts";
import type { OwnSessionExchange } from "./session-refresh.ts";
import { isJwt, isRefreshToken, isShareToken } from "./token-kind.ts";

export type Caller =
  /** The bearer is one of AUTHORIZATION: serve from the pool (anonymous when the pool is empty). */
  | { kind: "pool" }
  | { kind: "own"; accessToken: string; teamAccountId: string | null; /** masked, for logs */ label: string }
  | { kind: "anonymous" };

export interface ResolveCallerInput {
  bearer: string | null;
  /** From the ChatGPT-Account-ID header or the body's `Chatgpt-Account-Id`; wins over a `,<id>` suffix. */
  teamAccountId: string | null;
  /** The client's network address, asked only for an exchange: refresh- and session-token exchanges are budgeted per address. */
  clientAddress?: () => string | null;
}

export interface ResolveCallerDeps {
  config: Pick<Config, "authorizationKeys"> & Partial<Pick<Config, "adminKey">>;
  refresher: Pick<Refresher, "exchange" | "exchangeSession">;
}

function digest(text: string): Uint8Array {
  return new Bun.CryptoHasher("sha256").update(text).digest();
}

/**
 * Constant time in the key's content: equal-length digests, and every key is compared. Bun's `crypto.timingSafeEqual`
 * rather than `node:crypto`'s: importing that module builds Node's stream classes, 10–25 ms of every start
 * (bench/RESULTS.md, thirteenth session).
 */
export function matchesAnyKey(candidate: string, keys: readonly string[]): boolean {
  const given = digest(candidate);
  let found = false;
  for (const key of keys) found = crypto.timingSafeEqual(given, digest(key)) || found;
  return found;
}

export type CallerResolver = (input: ResolveCallerInput) => Promise<Caller>;

function tooManyExchanges(kind: "refresh-throttled" | "session-throttled", what: string, retryAfterSec: number): PoolRefusal {
  return new PoolRefusal({ kind, retryAfterSec }, `Too many ${what} exchanged from your address; try again in ${retryAfterSec} s, or send the access token instead.`);
}

/** The caller a session token's exchange gives, or the refusal that says why not (the token named masked). */
function ownSessionCaller(exchanged: OwnSessionExchange, { team, label }: { team: string | null; label: string }): Caller {
  switch (exchanged.type) {
    case "ok":
      return { kind: "own", accessToken: exchanged.accessToken, teamAccountId: team, label };
    case "dead":
      throw new PoolRefusal({ kind: "session-dead" }, `The session token ${label} no longer works: ${exchanged.reason}.`);
    case "unavailable":
      throw new PoolRefusal({ kind: "session-unavailable" }, `Could not exchange the session token for an access token: ${exchanged.reason}.`);
    case "throttled":
      throw tooManyExchanges("session-throttled", "session tokens", exchanged.retryAfterSec);
    default: {
      const _exhaustiveCheck: never = exchanged;
      return _exhaustiveCheck;
    }
  }
}

export function createCallerResolver({ config, refresher }: ResolveCallerDeps): CallerResolver {
  return async function resolveCaller({ bearer, teamAccountId, clientAddress = () => null }) {
    const raw = bearer?.trim() ?? "";
    if (raw === "") {
      // with AUTHORIZATION set the server is private: a request without a key is not let through as anonymous
      if (config.authorizationKeys.length > 0) throw new PoolRefusal({ kind: "missing-key" }, "Missing bearer token: send Authorization: Bearer <key>.");
      return { kind: "anonymous" };
    }
    const comma = raw.indexOf(",");
    const token = (comma >= 0 ? raw.slice(0, comma) : raw).trim();
    // `<pool key>,<id>` is still the pool: pool accounts carry their own workspace, and the key must never go upstream
    if (config.authorizationKeys.length > 0 && matchesAnyKey(token, config.authorizationKeys)) return { kind: "pool" };
    // the operator's own session (the console's playground): ADMIN_KEY already commands the whole pool
    if (config.adminKey && matchesAnyKey(token, [config.adminKey])) return { kind: "pool" };
    const suffix = comma >= 0 ? raw.slice(comma + 1).trim() : "";
    const team = teamAccountId?.trim() || suffix || null;
    if (token === "") throw new PoolRefusal({ kind: "malformed-bearer" }, "The bearer has an account id but no token before the comma.");
    const session = parseSessionToken(token);
    if (session && "problem" in session) throw new PoolRefusal({ kind: "malformed-bearer" }, `The bearer is ${session.problem}.`);
    if (session) {
      const label = maskSecret(session.token);
      return ownSessionCaller(await refresher.exchangeSession(session.token, { clientAddress: clientAddress(), teamAccountId: team }), { team, label });
    }
    if (!isRefreshToken(token) && !isJwt(token) && !isShareToken(token)) {
      // Not a ChatGPT credential. SDKs insist on some API key, so with no AUTHORIZATION set this is how a client asks
      // for the no-login mode; with AUTHORIZATION set the server is private and it is a wrong key.
      if (config.authorizationKeys.length > 0) throw new PoolRefusal({ kind: "wrong-key" }, "Incorrect API key provided: it is neither a key of this server nor a ChatGPT token.");
      return { kind: "anonymous" };
    }
    if (!isRefreshToken(token)) return { kind: "own", accessToken: token, teamAccountId: team, label: maskSecret(token) };
    const exchanged = await refresher.exchange(token, { clientAddress: clientAddress() });
    switch (exchanged.type) {
      case "ok":
        return { kind: "own", accessToken: exchanged.accessToken, teamAccountId: team, label: maskSecret(token) };
      case "revoked":
        throw new PoolRefusal(
          { kind: "refresh-revoked" },
          `The refresh token ${maskSecret(token)} was rejected by the OAuth server (${exchanged.reason}); sign in again for a new one.`,
        );
      case "spent":
        throw new PoolRefusal({ kind: "refresh-spent" }, `The refresh token ${maskSecret(token)} cannot be used again: ${exchanged.reason}.`);
      case "unavailable":
        throw new PoolRefusal({ kind: "refresh-unavailable" }, `Could not exchange the refresh token for an access token: ${exchanged.reason}.`);
      case "throttled":
        throw tooManyExchanges("refresh-throttled", "refresh tokens", exchanged.retryAfterSec);
      default: {
        const _exhaustiveCheck: never = exchanged;
        return _exhaustiveCheck;
      }
    }
  };
}
