/** @module The SQLite schema of the account pool: accounts, per-model cooldowns and the request log. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    /** The token exactly as the user gave it (access or refresh token); the duplicate check is on this. */
    credential: text("credential").notNull(),
    kind: text("kind", { enum: ["access", "refresh"] }).notNull(),
    /** Team workspace id; "" (not NULL) so the unique index treats "no workspace" as one value. */
    teamAccountId: text("team_account_id").notNull().default(""),
    accessToken: text("access_token"),
    /** Epoch ms from the JWT `exp`; null when the token carries none. */
    accessTokenExpiresAt: integer("access_token_expires_at"),
    /** Epoch ms when the current access token was obtained (the 5-day rule when there is no `exp`). */
    accessTokenIssuedAt: integer("access_token_issued_at"),
    /** The current refresh token: rotated ones replace the credential's value here. */
    refreshToken: text("refresh_token"),
    plan: text("plan"),
    status: text("status", { enum: ["active", "disabled", "failed"] }).notNull().default("active"),
    lastError: text("last_error"),
    lastUsedAt: integer("last_used_at"),
    createdAt: integer("created_at").notNull(),
    successCount: integer("success_count").notNull().default(0),
    failureCount: integer("failure_count").notNull().default(0),
  },
  (table) => [uniqueIndex("accounts_credential_team").on(table.credential, table.teamAccountId)],
);

export const cooldowns = sqliteTable(
  "cooldowns",
  {
    /** An account id, or `at:<sha256>` for a caller's own access token (never the token itself). */
    subject: text("subject").notNull(),
    /** Upstream model slug, or `*` for the whole account. */
    model: text("model").notNull(),
    untilMs: integer("until_ms").notNull(),
    reason: text("reason", { enum: ["capped", "blocked"] }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.subject, table.model] })],
);

export const requestLog = sqliteTable(
  "request_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    /** Masked client key (first 6 / last 4). */
    clientKey: text("client_key").notNull(),
    accountId: text("account_id"),
    model: text("model").notNull(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    status: integer("status").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    ttftMs: integer("ttft_ms"),
  },
  (table) => [index("request_log_at").on(table.at)],
);

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccountRow = typeof accounts.$inferInsert;
export type CooldownRow = typeof cooldowns.$inferSelect;
export type RequestLogRow = typeof requestLog.$inferSelect;
export type NewRequestLogRow = typeof requestLog.$inferInsert;
