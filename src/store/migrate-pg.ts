/**
 * @module Applies the embedded PostgreSQL migrations at start-up, all pending ones in one transaction that first
 * takes an advisory lock: instances starting together queue behind the first, then find nothing left to do. The
 * schema named by `?search_path=` is created when missing.
 */
import type { SQL } from "bun";
import init from "../../drizzle/pg/0000_init.sql" with { type: "text" };
import conversationsSealedTokens from "../../drizzle/pg/0001_conversations_sealed_tokens.sql" with { type: "text" };
import codexAccounts from "../../drizzle/pg/0002_codex_accounts.sql" with { type: "text" };
import clientKeys from "../../drizzle/pg/0003_client_keys.sql" with { type: "text" };
import requestLogAttempts from "../../drizzle/pg/0004_request_log_attempts.sql" with { type: "text" };
import type { Migration } from "./migrate-sqlite.ts";

/** In order; add each file `drizzle-kit generate --config drizzle.pg.config.ts` writes here. */
export const PG_MIGRATIONS: readonly Migration[] = [
  { name: "0000_init", sql: init },
  { name: "0001_conversations_sealed_tokens", sql: conversationsSealedTokens },
  { name: "0002_codex_accounts", sql: codexAccounts },
  { name: "0003_client_keys", sql: clientKeys },
  { name: "0004_request_log_attempts", sql: requestLogAttempts },
];

/** The two-int advisory lock namespace of chat2api, so its keys cannot meet another application's. */
export const LOCK_NAMESPACE = "chat2api";

/**
 * A URL with `?search_path=name` may name a schema that does not exist yet (current_schema() is then null): create
 * it, so one database can hold several pools, or a test its own throwaway schema.
 */
async function createMissingSchema(tx: SQL): Promise<void> {
  const [row]: Array<{ schema: string | null; path: string }> =
    await tx`SELECT current_schema() AS schema, current_setting('search_path') AS path`;
  if (!row || row.schema !== null) return;
  const first = row.path
    .split(",")
    .map((name) => name.trim().replace(/^"(.*)"$/, "$1"))
    .find((name) => name !== "" && name !== "$user");
  if (first) await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS "${first.replaceAll('"', '""')}"`);
}

/** Returns the names it applied now (empty when the database was current). */
export async function migratePg(sql: SQL, migrations: readonly Migration[] = PG_MIGRATIONS): Promise<string[]> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), hashtext('migrate'))`;
    await createMissingSchema(tx);
    await tx`CREATE TABLE IF NOT EXISTS __migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)`;
    const rows: Array<{ name: string }> = await tx`SELECT name FROM __migrations`;
    const applied = new Set(rows.map((row) => row.name));
    const ran: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      for (const statement of migration.sql.split("--> statement-breakpoint")) {
        if (statement.trim() !== "") await tx.unsafe(statement);
      }
      await tx`INSERT INTO __migrations (name, applied_at) VALUES (${migration.name}, ${Date.now()})`;
      ran.push(migration.name);
    }
    return ran;
  });
}
