/**
 * @module The request log's filters (the console's Requests page and `GET /admin/api/requests`), as one WHERE clause
 * both stores build from their own table, and the shape of one upstream attempt kept in a row's `attempts` column.
 */
import { and, eq, gte, lt, lte, type AnyColumn, type SQL } from "drizzle-orm";

/** One upstream attempt of a request, in order: which account (null: the caller's own token or no-login), how it went. */
export interface RequestAttempt {
  accountId: string | null;
  /** The pool's outcome type (attempt-outcome.ts): `success`, `capped`, `blocked`, `auth`, `transient`…, or `not-offered`. */
  outcome: string;
  /** The upstream's HTTP status, when it answered with one. */
  status: number | null;
  /** What failed, in the engine's words (an UpstreamError's or CodexError's kind); null for a success. */
  kind: string | null;
  /** Milliseconds from sending to the first byte or the failure. */
  ms: number;
}

export interface RequestLogFilter {
  /** Newest first, at most this many. */
  limit: number;
  /** Rows with a smaller id only: the `next` cursor of the page before. */
  before?: number;
  clientKey?: string;
  accountId?: string;
  model?: string;
  /** Statuses in [from, to]. */
  status?: { from: number; to: number };
  engine?: "web" | "codex";
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

interface RequestLogColumns {
  id: AnyColumn;
  at: AnyColumn;
  clientKey: AnyColumn;
  accountId: AnyColumn;
  model: AnyColumn;
  status: AnyColumn;
  engine: AnyColumn;
}

export function requestLogWhere(table: RequestLogColumns, filter: RequestLogFilter): SQL | undefined {
  return and(
    filter.before !== undefined ? lt(table.id, filter.before) : undefined,
    filter.clientKey !== undefined ? eq(table.clientKey, filter.clientKey) : undefined,
    filter.accountId !== undefined ? eq(table.accountId, filter.accountId) : undefined,
    filter.model !== undefined ? eq(table.model, filter.model) : undefined,
    filter.status !== undefined ? and(gte(table.status, filter.status.from), lte(table.status, filter.status.to)) : undefined,
    filter.engine !== undefined ? eq(table.engine, filter.engine) : undefined,
    filter.since !== undefined ? gte(table.at, filter.since) : undefined,
    filter.until !== undefined ? lt(table.at, filter.until) : undefined,
  );
}

/** A row's `attempts` column read back; a malformed one reads as none. */
export function parseAttempts(json: string): RequestAttempt[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as RequestAttempt[]) : [];
  } catch {
    return [];
  }
}
