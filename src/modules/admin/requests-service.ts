/**
 * @module The request log for the operator: query parameters become a store filter, rows get the names an operator
 * knows (client key names, masked account credentials) and their attempts, and a page turns into CSV.
 */
import { InvalidRequestError } from "../../errors.ts";
import { logLabelOfDigest } from "../../keys/secret.ts";
import { maskSecret } from "../../logger.ts";
import { parseAttempts, type RequestLogFilter } from "../../store/request-log-query.ts";
import type { RequestLogRow, Store } from "../../store/store.ts";
import type { RequestLogView, RequestsPage, RequestsQuery } from "./requests-model.ts";

export type RequestsStore = Pick<Store, "listRequests" | "listAccounts" | "listClientKeys">;

function statusRange(status: string): { from: number; to: number } {
  if (/^\d{3}$/.test(status)) return { from: Number(status), to: Number(status) };
  const group = /^([1-5])xx$/i.exec(status);
  if (group) return { from: Number(group[1]) * 100, to: Number(group[1]) * 100 + 99 };
  if (status === "error") return { from: 400, to: 599 };
  throw new InvalidRequestError("status must be a status (429), a class (4xx) or error.", { param: "status" });
}

function timeOf(value: string, param: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidRequestError(`${param} must be epoch ms or an ISO 8601 date.`, { param });
  return ms;
}

export function createRequestsService(store: RequestsStore) {
  async function names(): Promise<{ keys: Map<string, string>; keyIds: Map<string, string>; accounts: Map<string, string> }> {
    const [keyRows, accountRows] = await Promise.all([store.listClientKeys(), store.listAccounts()]);
    return {
      keys: new Map(keyRows.map((k) => [logLabelOfDigest(k.digest), k.name])),
      keyIds: new Map(keyRows.map((k) => [k.id, logLabelOfDigest(k.digest)])),
      accounts: new Map(accountRows.map((a) => [a.id, maskSecret(a.credential)])),
    };
  }

  function view(row: RequestLogRow, known: Awaited<ReturnType<typeof names>>): RequestLogView {
    const label = (id: string | null) => (id === null ? null : (known.accounts.get(id) ?? null));
    return {
      id: row.id,
      at: row.at,
      requestId: row.requestId,
      clientKey: row.clientKey,
      keyName: known.keys.get(row.clientKey) ?? null,
      accountId: row.accountId,
      accountLabel: label(row.accountId),
      model: row.model,
      engine: row.engine,
      status: row.status,
      error: row.error,
      promptTokens: row.promptTokens,
      completionTokens: row.completionTokens,
      latencyMs: row.latencyMs,
      ttftMs: row.ttftMs,
      attempts: parseAttempts(row.attempts).map((a) => ({ ...a, accountLabel: label(a.accountId) })),
    };
  }

  return {
    /** A page of the log, newest first; `maxLimit` bounds what the query may ask (the CSV asks for more). */
    async list(query: RequestsQuery, defaultLimit = 100): Promise<RequestsPage> {
      const known = await names();
      const limit = query.limit ?? defaultLimit;
      const filter: RequestLogFilter = {
        limit,
        ...(query.cursor !== undefined ? { before: query.cursor } : {}),
        ...(query.key !== undefined ? { clientKey: known.keyIds.get(query.key) ?? query.key } : {}),
        ...(query.account !== undefined ? { accountId: query.account } : {}),
        ...(query.model !== undefined ? { model: query.model } : {}),
        ...(query.status !== undefined ? { status: statusRange(query.status) } : {}),
        ...(query.engine !== undefined ? { engine: query.engine } : {}),
        ...(query.since !== undefined ? { since: timeOf(query.since, "since") } : {}),
        ...(query.until !== undefined ? { until: timeOf(query.until, "until") } : {}),
      };
      const rows = await store.listRequests(filter);
      const last = rows.at(-1);
      return { data: rows.map((row) => view(row, known)), next: rows.length === limit && last ? last.id : null };
    },
  };
}

export type RequestsService = ReturnType<typeof createRequestsService>;

const CSV_COLUMNS = [
  "id", "time", "request_id", "client_key", "key_name", "account_id", "account", "model", "engine", "status", "error",
  "latency_ms", "ttft_ms", "prompt_tokens", "completion_tokens", "attempts",
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; a leading =+-@ is defused for spreadsheets. */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One attempt in a cell: `account outcome status`, attempts joined by ` | `. */
function attemptsCell(row: RequestLogView): string {
  return row.attempts.map((a) => [a.accountLabel ?? a.accountId ?? "own/no-login", a.outcome, a.status ?? ""].join(" ").trim()).join(" | ");
}

export function requestsCsv(rows: readonly RequestLogView[]): string {
  const lines = rows.map((r) =>
    [
      r.id, new Date(r.at).toISOString(), r.requestId, r.clientKey, r.keyName, r.accountId, r.accountLabel, r.model, r.engine, r.status, r.error,
      r.latencyMs, r.ttftMs, r.promptTokens, r.completionTokens, attemptsCell(r),
    ].map(csvField).join(","),
  );
  return [CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}
