/** @module The SQLite schema of the account pool: accounts, per-model cooldowns, the request log, conversations and the change feed. */
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    /** The token exactly as the user gave it (access or refresh token); sealed at rest when DATA_KEY is set. */
    credential: text("credential").notNull(),
    /**
     * SHA-256 of the plain credential (account-codec.ts): the duplicate check, which a sealed credential (random IV)
     * cannot be. Null only in rows from before it existed, until the store fills it in on open.
     */
    credentialDigest: text("credential_digest"),
    /** `codex-*`: a token of the Codex OAuth client (codex.md §1.1); a `refresh` token becomes `codex-refresh` when its first refresh finds its client. */
    kind: text("kind", { enum: ["access", "refresh", "codex-access", "codex-refresh", "session"] }).notNull(),
    /** Team workspace id; "" (not NULL) so the unique index treats "no workspace" as one value. */
    teamAccountId: text("team_account_id").notNull().default(""),
    /** Sealed at rest when DATA_KEY is set. */
    accessToken: text("access_token"),
    /** Epoch ms from the JWT `exp`; null when the token carries none. */
    accessTokenExpiresAt: integer("access_token_expires_at"),
    /** Epoch ms when the current access token was obtained (the 5-day rule when there is no `exp`). */
    accessTokenIssuedAt: integer("access_token_issued_at"),
    /** The current refresh token: rotated ones replace the credential's value here. Sealed at rest when DATA_KEY is set. */
    refreshToken: text("refresh_token"),
    plan: text("plan"),
    /** The OAuth client the refresh token belongs to (learned on its first refresh), or the access token's `client_id`. */
    oauthClientId: text("oauth_client_id"),
    /** `chatgpt_account_id` from the token's claims: the `ChatGPT-Account-ID` header of the Codex backend. */
    chatgptAccountId: text("chatgpt_account_id"),
    /** Whether the account can use the Codex backend / the web conversation backend; null until a models or usage call tells. */
    hasCodex: integer("has_codex", { mode: "boolean" }),
    hasWeb: integer("has_web", { mode: "boolean" }),
    /**
     * Set, committed, before the current refresh token is sent; cleared in the transaction that stores its successor.
     * Found set by whoever holds the refresh lock next, the token may be spent (crash, lost answer): it is never resent.
     */
    refreshStartedAt: integer("refresh_started_at"),
    status: text("status", { enum: ["active", "disabled", "failed"] }).notNull().default("active"),
    lastError: text("last_error"),
    lastUsedAt: integer("last_used_at"),
    createdAt: integer("created_at").notNull(),
    successCount: integer("success_count").notNull().default(0),
    failureCount: integer("failure_count").notNull().default(0),
  },
  (table) => [uniqueIndex("accounts_credential_digest_team").on(table.credentialDigest, table.teamAccountId)],
);

export const cooldowns = sqliteTable(
  "cooldowns",
  {
    /** An account id, or `at:<sha256>` for a caller's own access token (never the token itself). */
    subject: text("subject").notNull(),
    /** Upstream model slug, `*` for the whole account, or `codex:*` for every Codex model of it. */
    model: text("model").notNull(),
    untilMs: integer("until_ms").notNull(),
    /** `quota`: a Codex window spent (model `codex:*`, pool/quota-scheduling.ts). A plain text column: no migration. */
    reason: text("reason", { enum: ["capped", "blocked", "quota"] }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.subject, table.model] })],
);

export const requestLog = sqliteTable(
  "request_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    /** The client key as `key:` + 8 hex of its SHA-256 (request-context.ts), never its characters. */
    clientKey: text("client_key").notNull(),
    accountId: text("account_id"),
    model: text("model").notNull(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    status: integer("status").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    ttftMs: integer("ttft_ms"),
    /** The `x-request-id` the client got and the access log shows; null in rows from before it was kept. */
    requestId: text("request_id"),
    /** `web` or `codex`; null when the request failed before an engine was chosen. */
    engine: text("engine", { enum: ["web", "codex"] }),
    /** The upstream attempts as a JSON array of RequestAttempt (request-log-row.ts), in order; `[]` when none was made. */
    attempts: text("attempts").notNull().default("[]"),
    /** The error `code` (or `type`) the client was answered with; null for a reply that began. */
    error: text("error"),
  },
  (table) => [index("request_log_at").on(table.at)],
);

/**
 * Which account holds each upstream conversation made through this server, and who made it: a continuation goes to
 * that account, and only its maker may continue it. Pruned with the request log.
 */
export const conversations = sqliteTable(
  "conversations",
  {
    /** The upstream conversation id. */
    conversationId: text("conversation_id").primaryKey(),
    /** An account id, `at:<sha256>` for a caller's own access token, or `anonymous`. */
    holder: text("holder").notNull(),
    /** A digest of the bearer that made it (never the bearer), or `anonymous`. */
    caller: text("caller").notNull(),
    createdAt: integer("created_at").notNull(),
    /** The last reply in it; pruning goes by this, so a conversation in use is kept. */
    usedAt: integer("used_at").notNull(),
  },
  (table) => [index("conversations_used_at").on(table.usedAt)],
);

/**
 * What changed in accounts and cooldowns, numbered in commit order (writers take a lock for their number): each
 * instance's in-memory pool view reads what changed since the number it has seen. Only the newest rows are kept.
 */
export const poolChanges = sqliteTable("pool_changes", {
  version: integer("version").primaryKey(),
  /** `account:<id>`, `cooldown:<subject>`, or `*` (every account). */
  subject: text("subject").notNull(),
});

/**
 * Refresh tokens already sent and answered with a successor (single-use, codex.md §1.5), by digest: written in the
 * transaction that stores the successor, so no instance and no restart sends one again, and a re-added one is refused.
 */
export const usedRefreshTokens = sqliteTable(
  "used_refresh_tokens",
  {
    /** credentialDigest() of the token, never the token. */
    digest: text("digest").primaryKey(),
    accountId: text("account_id").notNull(),
    usedAt: integer("used_at").notNull(),
  },
  (table) => [index("used_refresh_tokens_account").on(table.accountId)],
);

/**
 * An account's quota windows (codex.md §5), identified by their length, never by their name or position: from the
 * `x-codex-*` headers of every reply, `wham/usage`, and `usage_limit_reached` bodies. Not a pool change (every reply
 * writes them).
 */
export const quotaWindows = sqliteTable(
  "quota_windows",
  {
    accountId: text("account_id").notNull(),
    /** The window's length: 300 (5 h), 10080 (weekly), ~43800 (monthly Team)… */
    windowMinutes: integer("window_minutes").notNull(),
    /** 0–100 (a float in headers); 100 or more is exhausted until `resetsAt`. */
    usedPercent: real("used_percent").notNull(),
    /** Epoch ms of the window's reset; null when not told. */
    resetsAt: integer("resets_at"),
    /** When this was last heard. */
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.windowMinutes] })],
);

/** The credential digest stays inside the store: callers see rows as they were before it existed. */
export type AccountRow = Omit<typeof accounts.$inferSelect, "credentialDigest">;
export type NewAccountRow = typeof accounts.$inferInsert;
export type ConversationRow = typeof conversations.$inferSelect;
export type CooldownRow = typeof cooldowns.$inferSelect;
export type RequestLogRow = typeof requestLog.$inferSelect;
export type NewRequestLogRow = typeof requestLog.$inferInsert;
export type QuotaWindowRow = typeof quotaWindows.$inferSelect;

/**
 * Client keys (issue 11): bearers the operator hands out, each with its own limits. Only the SHA-256 of the secret is
 * kept; `hint` is what a list shows of it. Limits are null when not set; `models` is a JSON array (empty: every model).
 */
export const clientKeys = sqliteTable("client_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** SHA-256 (hex) of the secret; changes on rotation. */
  digest: text("digest").notNull().unique(),
  /** `sk-c2a-…` and the secret's last 4 characters. */
  hint: text("hint").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at"),
  revokedAt: integer("revoked_at"),
  rotatedAt: integer("rotated_at"),
  models: text("models").notNull().default("[]"),
  requestsPerMinute: integer("requests_per_minute"),
  tokensPerMinute: integer("tokens_per_minute"),
  concurrentRequests: integer("concurrent_requests"),
  tokensPerDay: integer("tokens_per_day"),
});

/**
 * A key's current fixed window per counter (`requests` and `tokens`, per minute): one row each, reset in place when a
 * new window starts, so increments are one atomic upsert and nothing accumulates.
 */
export const clientKeyWindows = sqliteTable(
  "client_key_windows",
  {
    keyId: text("key_id").notNull(),
    counter: text("counter", { enum: ["requests", "tokens"] }).notNull(),
    /** Epoch ms the window began. */
    windowStart: integer("window_start").notNull(),
    used: integer("used").notNull(),
  },
  (table) => [primaryKey({ columns: [table.keyId, table.counter] })],
);

/** Requests of a key in flight, for its concurrency limit; a crashed instance's leases lapse at `expiresAt`. */
export const clientKeyLeases = sqliteTable(
  "client_key_leases",
  {
    id: text("id").primaryKey(),
    keyId: text("key_id").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (table) => [index("client_key_leases_key").on(table.keyId)],
);

/** What a key used per UTC day: requests when admitted, tokens when they end. Tokens per day are read from here. */
export const clientKeyUsage = sqliteTable(
  "client_key_usage",
  {
    keyId: text("key_id").notNull(),
    /** `YYYY-MM-DD`, UTC. */
    day: text("day").notNull(),
    requests: integer("requests").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.keyId, table.day] })],
);

export type ClientKeyRow = typeof clientKeys.$inferSelect;
export type ClientKeyUsageRow = typeof clientKeyUsage.$inferSelect;
