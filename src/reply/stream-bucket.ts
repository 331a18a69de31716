/**
 * @module Whose stream slot an attempt takes: the pool account it leased, the caller's own token, or no-login mode
 * (one bucket: every no-login request leaves from this server's address). And a lease that prefers a pool account
 * with a free slot, so a busy account is waited for only when every account is busy.
 */
import type { AccountLease, AccountPool } from "../pool/account-pool.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import { secretDigest } from "../pool/token-kind.ts";
import type { SlotBucket, StreamSlots } from "../engines/web/stream-slots.ts";

const ACCOUNT_PREFIX = "account:";

export function streamBucketOf(caller: Caller, lease: AccountLease | null): SlotBucket {
  if (lease) return { key: `${ACCOUNT_PREFIX}${lease.accountId}`, label: "every pool account that can serve this request" };
  if (caller.kind === "own") return { key: `own:${secretDigest(caller.accessToken).slice(0, 32)}`, label: "your access token" };
  return { key: "no-login", label: "no-login mode" };
}

/** `pool.lease`, skipping accounts whose bucket is full while another account has room. */
export async function leaseWithFreeSlot(
  pool: Pick<AccountPool, "lease">,
  streams: StreamSlots | undefined,
  input: { model: string; exclude: ReadonlySet<string> },
): Promise<AccountLease | null> {
  const busy = [...(streams?.saturated() ?? [])].filter((key) => key.startsWith(ACCOUNT_PREFIX)).map((key) => key.slice(ACCOUNT_PREFIX.length));
  if (busy.length > 0) {
    // any refusal here (all resting, none offering the model) is answered by the plain lease below, as it would be
    const roomy = await pool.lease({ model: input.model, exclude: new Set([...input.exclude, ...busy]) }).catch(() => null);
    if (roomy) return roomy;
  }
  return pool.lease(input);
}
