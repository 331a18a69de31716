/**
 * @module Who may continue a conversation, and on which account. Upstream conversations live in one account, so a
 * continuation must go to the account that holds it; and only the caller who made it (known by a digest of its
 * bearer, never the bearer) may continue it: to anyone else it does not exist. The map lives in the Store, so every
 * instance sharing a PostgreSQL pool knows it.
 */
import { NotFoundError } from "../errors.ts";
import type { AccountLease } from "../pool/account-pool.ts";
import { ownTokenSubject } from "../pool/account-pool.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import type { Store } from "../store/store.ts";

const ANONYMOUS = "anonymous";

/**
 * A caller's identity for conversations: SHA-256 of its key (the bearer without a `,<team id>` suffix, which names
 * a workspace, not a caller), domain-separated so it matches no other digest we store.
 */
export function callerDigest(bearer: string | null): string {
  const key = bearer?.split(",", 1)[0]?.trim() ?? "";
  if (key === "") return ANONYMOUS;
  return new Bun.CryptoHasher("sha256").update(`chat2api caller\0${key}`).digest("hex");
}

function notFound(conversationId: string): NotFoundError {
  return new NotFoundError(`Conversation ${conversationId} not found. Only the key that started a conversation can continue it.`, {
    param: "conversation_id",
    code: "conversation_not_found",
  });
}

export class ConversationOwners {
  constructor(
    private readonly store: Pick<Store, "recordConversation" | "findConversation">,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * For a continuation: the pool account it must be served by (null: wherever the caller's credential goes). A 404
   * when the caller did not make it, or, for a pool key, when this pool never served it.
   */
  async holderFor(conversationId: string, caller: Caller, bearer: string | null): Promise<string | null> {
    const row = await this.store.findConversation(conversationId);
    if (row && row.caller !== callerDigest(bearer)) throw notFound(conversationId);
    // own tokens and no-login mode reach their own upstream account, which knows its conversations
    if (caller.kind !== "pool") return null;
    if (!row) throw notFound(conversationId);
    return row.holder;
  }

  /** Remembers the conversation a reply carries (only with history on: a temporary chat cannot be continued). */
  async record(conversationId: string, input: { caller: Caller; bearer: string | null; lease: AccountLease | null }): Promise<void> {
    const { caller, lease } = input;
    const holder = lease ? lease.accountId : caller.kind === "own" ? ownTokenSubject(caller.accessToken) : ANONYMOUS;
    const at = this.now();
    await this.store.recordConversation({ conversationId, holder, caller: callerDigest(input.bearer), createdAt: at, usedAt: at });
  }
}
