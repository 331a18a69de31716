/**
 * @module Why a pool key got no account. An empty pool means no-login mode, as chat2api does; a pool that has
 * accounts but none usable is a refusal that says why (a 503 at the edge), never a silent answer from no-login mode
 * under the user's key.
 */
import { PoolRefusal } from "./pool-refusal.ts";
import type { AccountRow } from "../store/store.ts";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Null when the pool has no account at all (the caller goes to no-login mode); else the error to answer. */
export function unavailablePoolError(accounts: readonly (Pick<AccountRow, "status" | "lastError"> & Partial<Pick<AccountRow, "hasWeb">>)[]): PoolRefusal | null {
  if (accounts.length === 0) return null;
  const failed = accounts.filter((a) => a.status === "failed").length;
  const disabled = accounts.filter((a) => a.status === "disabled").length;
  const codexOnly = accounts.filter((a) => a.status === "active" && a.hasWeb === false).length;
  const stuck = accounts.filter((a) => a.status === "active" && a.hasWeb !== false);
  const reasons: string[] = [];
  if (failed > 0) reasons.push(`${failed} failed`);
  if (disabled > 0) reasons.push(`${disabled} disabled`);
  if (codexOnly > 0) reasons.push(`${plural(codexOnly, "serves", "serve")} the Codex engine only (ask for a Codex model)`);
  if (stuck.length > 0) {
    // active yet not leasable: no access token could be had (a refresh outage, an expired token being replaced)
    const lastError = stuck.find((a) => a.lastError)?.lastError;
    reasons.push(`${plural(stuck.length, "has", "have")} no usable access token${lastError ? ` (${lastError})` : ""}`);
  }
  return new PoolRefusal(
    { kind: "pool-unavailable" },
    `No account in the pool can serve this request: of ${plural(accounts.length, "account", "accounts")}, ${reasons.join(", ")}. ` +
      "Revive or add accounts on the /tokens page (or POST /admin/api/accounts); requests are not sent in no-login mode while the pool has accounts.",
  );
}
