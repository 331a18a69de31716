/**
 * @module Why the pool gave a caller no account, as facts: the HTTP status and error code each earns is chosen at
 * the edge (src/reply/api-error-of.ts), not here.
 */

export type PoolRefusalReason =
  /** Every account that could serve rests (caps, quota) until at least `retryAfterSec` from now. */
  | { kind: "all-resting"; retryAfterSec: number }
  /** No account of the pool offers the model (plan, catalog). */
  | { kind: "model-not-offered"; model: string }
  /** The account that holds a continued conversation cannot serve (removed, failed, disabled). */
  | { kind: "conversation-account-unavailable" }
  /** The pool has accounts, none usable. */
  | { kind: "pool-unavailable" }
  /** A private server (AUTHORIZATION set) was sent no key, or a key that is neither ours nor a ChatGPT token. */
  | { kind: "missing-key" }
  | { kind: "wrong-key" }
  /** `,<account id>` with no token before the comma. */
  | { kind: "malformed-bearer" }
  /** A caller's refresh token: refused by the OAuth server, spent here already, not exchangeable now, or too many. */
  | { kind: "refresh-revoked" }
  | { kind: "refresh-spent" }
  | { kind: "refresh-unavailable" }
  | { kind: "refresh-throttled"; retryAfterSec: number }
  /** A caller's web session token: over (signed out, expired, revoked), not exchangeable now, or too many exchanges. */
  | { kind: "session-dead" }
  | { kind: "session-unavailable" }
  | { kind: "session-throttled"; retryAfterSec: number };

export class PoolRefusal extends Error {
  readonly reason: PoolRefusalReason;

  /** `message` is what the caller reads: it says what to do, and carries no secret. */
  constructor(reason: PoolRefusalReason, message: string) {
    super(message);
    this.name = "PoolRefusal";
    this.reason = reason;
  }
}
