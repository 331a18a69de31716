/**
 * @module The pool's in-memory view of the accounts and their cooldowns, so a lease reads memory rather than the
 * whole table. Before each use it asks the store what changed since the last look (`changesSince`: one small query,
 * which also covers what other instances sharing a PostgreSQL pool committed) and reads again only those rows.
 */
import type { AccountRow, CooldownRow, PoolChange, Store } from "../store/store.ts";

/** More changed rows than this are read as one whole reload. */
const RELOAD_AFTER = 200;

export interface PoolSnapshot {
  /** Sorted by id: round-robin walks this order. */
  readonly accounts: readonly AccountRow[];
  get(id: string): AccountRow | undefined;
  /** Cooldowns of an account id or `at:<digest>` that were active when read (callers compare `untilMs` with now). */
  cooldownsOf(subject: string): readonly CooldownRow[];
}

export interface PoolView {
  /** Current as of this call: every write this process made before it, and every one other instances committed. */
  current(): Promise<PoolSnapshot>;
}

export type PoolViewStore = Pick<Store, "changesSince" | "listAccounts" | "getAccount" | "activeCooldowns">;

function bySubject(rows: readonly CooldownRow[]): Map<string, CooldownRow[]> {
  const map = new Map<string, CooldownRow[]>();
  for (const row of rows) {
    const list = map.get(row.subject);
    if (list) list.push(row);
    else map.set(row.subject, [row]);
  }
  return map;
}

export function createPoolView(store: PoolViewStore, now: () => number = Date.now): PoolView {
  let version = -1;
  let byId = new Map<string, AccountRow>();
  let sorted: AccountRow[] | null = null;
  let cooldowns = new Map<string, CooldownRow[]>();

  const snapshot: PoolSnapshot = {
    get accounts() {
      sorted ??= [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return sorted;
    },
    get: (id) => byId.get(id),
    cooldownsOf: (subject) => cooldowns.get(subject) ?? [],
  };

  async function readAll(): Promise<void> {
    const [rows, active] = await Promise.all([store.listAccounts(), store.activeCooldowns(now())]);
    byId = new Map(rows.map((row) => [row.id, row]));
    sorted = null;
    cooldowns = bySubject(active);
  }

  async function readChanged(changes: readonly PoolChange[]): Promise<void> {
    const ids = new Set(changes.flatMap((change) => (change.type === "account" ? [change.id] : [])));
    const cooldownsChanged = changes.some((change) => change.type === "cooldown");
    const [rows, active] = await Promise.all([
      Promise.all([...ids].map(async (id) => [id, await store.getAccount(id)] as const)),
      cooldownsChanged ? store.activeCooldowns(now()) : null,
    ]);
    for (const [id, row] of rows) {
      if (row) byId.set(id, row);
      else byId.delete(id);
    }
    if (rows.length > 0) sorted = null;
    if (active) cooldowns = bySubject(active);
  }

  async function catchUp(): Promise<void> {
    const { version: newest, changes } = await store.changesSince(version);
    if (changes === null || changes.length > RELOAD_AFTER || changes.some((change) => change.type === "all")) await readAll();
    else if (changes.length > 0) await readChanged(changes);
    version = newest;
  }

  // One catch-up at a time; a caller arriving during one waits for the next, which starts after its own writes.
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  function sync(): Promise<void> {
    if (!running) {
      running = catchUp().finally(() => {
        running = null;
      });
      return running;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = null;
        return sync();
      });
    return queued;
  }

  return {
    async current() {
      await sync();
      return snapshot;
    },
  };
}
