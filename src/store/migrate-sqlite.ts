/**
 * @module Applies the embedded SQLite migrations at start-up. The SQL is imported as text so the compiled binary
 * carries it; applied names are recorded so each runs once, each in its own transaction.
 */
import type { Database } from "bun:sqlite";
import init from "../../drizzle/sqlite/0000_init.sql" with { type: "text" };
import conversationsSealedTokens from "../../drizzle/sqlite/0001_conversations_sealed_tokens.sql" with { type: "text" };
import codexAccounts from "../../drizzle/sqlite/0002_codex_accounts.sql" with { type: "text" };
import clientKeys from "../../drizzle/sqlite/0003_client_keys.sql" with { type: "text" };
import requestLogAttempts from "../../drizzle/sqlite/0004_request_log_attempts.sql" with { type: "text" };

export interface Migration {
  name: string;
  sql: string;
}

/** In order; add each file drizzle-kit generates here. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { name: "0000_init", sql: init },
  { name: "0001_conversations_sealed_tokens", sql: conversationsSealedTokens },
  { name: "0002_codex_accounts", sql: codexAccounts },
  { name: "0003_client_keys", sql: clientKeys },
  { name: "0004_request_log_attempts", sql: requestLogAttempts },
];

/** Returns the names it applied now (empty when the database was current). */
export function migrateSqlite(db: Database, migrations: readonly Migration[] = SQLITE_MIGRATIONS): string[] {
  db.run("CREATE TABLE IF NOT EXISTS __migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const applied = new Set(db.query<{ name: string }, []>("SELECT name FROM __migrations").all().map((row) => row.name));
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    db.transaction(() => {
      for (const statement of migration.sql.split("--> statement-breakpoint")) {
        if (statement.trim() !== "") db.run(statement);
      }
      db.run("INSERT INTO __migrations (name, applied_at) VALUES (?, ?)", [migration.name, Date.now()]);
    })();
    ran.push(migration.name);
  }
  return ran;
}
