/**
 * @module The change feed behind the in-memory pool view, shared by both stores: how a change is written as a row,
 * and what `changesSince` answers from the rows after a version.
 */
import type { PoolChange, PoolChanges } from "./store.ts";

/** Rows kept in `pool_changes`; a view further behind reads everything again. */
export const KEPT_CHANGES = 1_000;

export function changeSubject(change: PoolChange): string {
  switch (change.type) {
    case "account":
      return `account:${change.id}`;
    case "cooldown":
      return `cooldown:${change.subject}`;
    case "all":
      return "*";
    default: {
      const _exhaustiveCheck: never = change;
      return _exhaustiveCheck;
    }
  }
}

function parseSubject(subject: string): PoolChange {
  const colon = subject.indexOf(":");
  const rest = subject.slice(colon + 1);
  if (subject.startsWith("account:")) return { type: "account", id: rest };
  if (subject.startsWith("cooldown:")) return { type: "cooldown", subject: rest };
  return { type: "all" };
}

/**
 * `rows`: the feed after `since` up to `newest`, in order. A gap (pruned rows) or an unknown `since` means the
 * changes are not all known.
 */
export function changesAfter(since: number, newest: number, rows: ReadonlyArray<{ version: number; subject: string }>): PoolChanges {
  if (since === newest) return { version: newest, changes: [] };
  if (since < 0 || since > newest || rows.length !== newest - since || rows[0]?.version !== since + 1) return { version: newest, changes: null };
  return { version: newest, changes: rows.map((row) => parseSubject(row.subject)) };
}
