/**
 * @module An account's access token as it may be sent now: refreshed first when it is stale and the account can
 * refresh, the account failed when its token has expired with nothing to renew it. Web and Codex leases both ask here.
 */
import type { AccountRow, Store } from "../store/store.ts";
import type { Refresher } from "./refresher.ts";
import { isTokenStale } from "./refresher.ts";

export type UsableToken = (account: AccountRow) => Promise<(AccountRow & { accessToken: string }) | null>;

export function createUsableToken({ store, refresher, now }: { store: Pick<Store, "getAccount" | "updateAccount">; refresher: Pick<Refresher, "refreshAccount">; now: () => number }): UsableToken {
  return async (account) => {
    const nowMs = now();
    if (!isTokenStale(account, nowMs)) return account.accessToken ? { ...account, accessToken: account.accessToken } : null;
    if (account.refreshToken) {
      const result = await refresher.refreshAccount(account.id, { force: false });
      const fresh = await store.getAccount(account.id);
      if (result.type === "revoked" || !fresh || fresh.status !== "active" || !fresh.accessToken) return null;
      if (fresh.accessTokenExpiresAt === null || fresh.accessTokenExpiresAt > nowMs) return { ...fresh, accessToken: fresh.accessToken };
      return null;
    }
    if (account.accessToken && account.accessTokenExpiresAt !== null && account.accessTokenExpiresAt <= nowMs) {
      await store.updateAccount(account.id, { status: "failed", lastError: "access token expired and there is no refresh token" });
      return null;
    }
    return account.accessToken ? { ...account, accessToken: account.accessToken } : null;
  };
}
