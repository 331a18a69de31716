/** @module TypeBox shapes of the request log's management API (`GET /admin/api/requests` and its CSV). */
import { t } from "elysia";
import { integer, queryObject } from "../body-types.ts";

export const RequestsQuery = queryObject({
  key: t.Optional(t.String({ description: "A client key's id, or the log's key label (key:<8 hex>, or anonymous)" })),
  account: t.Optional(t.String({ description: "An account id" })),
  model: t.Optional(t.String({ description: "The model name the client asked for" })),
  status: t.Optional(t.String({ description: "A status (429), a class (4xx, 5xx), or error (400 and above)" })),
  engine: t.Optional(t.Union([t.Literal("web"), t.Literal("codex")])),
  since: t.Optional(t.String({ description: "From this time on: epoch ms or an ISO 8601 date" })),
  until: t.Optional(t.String({ description: "Before this time: epoch ms or an ISO 8601 date" })),
  limit: t.Optional(integer({ minimum: 1, maximum: 1000, description: "Rows per page (100 by default; the CSV takes up to 10 000)" })),
  cursor: t.Optional(integer({ minimum: 1, description: "The `next` of the page before" })),
});
export type RequestsQuery = typeof RequestsQuery.static;

export const CsvQuery = queryObject({ ...RequestsQuery.properties, limit: t.Optional(integer({ minimum: 1, maximum: 10_000 })) });

export const AttemptView = t.Object({
  accountId: t.Nullable(t.String({ description: "The pool account tried; null for the caller's own token or no-login mode" })),
  accountLabel: t.Nullable(t.String({ description: "That account's credential, masked" })),
  outcome: t.String({ description: "success, capped, blocked, auth, transient, not-offered…" }),
  status: t.Nullable(t.Number({ description: "The upstream's HTTP status, when it answered with one" })),
  kind: t.Nullable(t.String({ description: "What failed, in the engine's words" })),
  ms: t.Number({ description: "Milliseconds from sending to the first byte or the failure" }),
});
export type AttemptView = typeof AttemptView.static;

export const RequestLogView = t.Object({
  id: t.Number(),
  at: t.Number({ description: "Epoch ms when it ended" }),
  requestId: t.Nullable(t.String({ description: "The x-request-id the client got (also in the access log)" })),
  clientKey: t.String({ description: "key:<8 hex of the bearer's SHA-256>, or anonymous" }),
  keyName: t.Nullable(t.String({ description: "The client key's name, when the bearer is a current client key" })),
  accountId: t.Nullable(t.String()),
  accountLabel: t.Nullable(t.String({ description: "The account's credential, masked" })),
  model: t.String(),
  engine: t.Nullable(t.Union([t.Literal("web"), t.Literal("codex")])),
  status: t.Number(),
  error: t.Nullable(t.String({ description: "The error code the client got" })),
  promptTokens: t.Number(),
  completionTokens: t.Number(),
  latencyMs: t.Number(),
  ttftMs: t.Nullable(t.Number({ description: "Milliseconds until the reply's first delta" })),
  attempts: t.Array(AttemptView),
});
export type RequestLogView = typeof RequestLogView.static;

export const RequestsPage = t.Object({
  data: t.Array(RequestLogView),
  next: t.Nullable(t.Number({ description: "Pass as `cursor` for the next (older) page; null at the end" })),
});
export type RequestsPage = typeof RequestsPage.static;
