/** @module The pool's gauges, read from the store at scrape time so every instance sharing a pool reports the same. */
import type { AccountRow, CooldownRow, Store } from "../store/store.ts";

export interface PoolGauges {
  accounts: Record<AccountRow["status"], number>;
  cooldowns: Record<CooldownRow["reason"], number>;
}

export async function readPoolGauges(store: Pick<Store, "listAccounts" | "activeCooldowns">, nowMs: number): Promise<PoolGauges> {
  const [accounts, cooldowns] = await Promise.all([store.listAccounts(), store.activeCooldowns(nowMs)]);
  // every status and reason, zero or not, so a dashboard's series never vanish
  const gauges: PoolGauges = { accounts: { active: 0, disabled: 0, failed: 0 }, cooldowns: { capped: 0, blocked: 0, quota: 0 } };
  for (const { status } of accounts) gauges.accounts[status] += 1;
  for (const { reason } of cooldowns) gauges.cooldowns[reason] += 1;
  return gauges;
}
