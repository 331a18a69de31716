/**
 * @module A child process for the durability test: writes accounts, cooldowns and request-log rows through the
 * Store as fast as it can and prints `committed <n>` after each write returns, until it is killed.
 */
import { createSqliteStore } from "../../src/store/sqlite.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: store-writer.ts <db path>");
const store = createSqliteStore({ path });
for (let n = 1; ; n++) {
  await store.addAccounts([{ credential: `credential-${n}`, kind: "access", accessToken: `credential-${n}` }]);
  await store.setCooldown({ subject: `account-${n}`, model: "gpt-4o", untilMs: 4_000_000_000_000 + n, reason: "capped" });
  await store.logRequest({ at: n, clientKey: "sk-abc…wxyz", accountId: null, model: "gpt-4o", promptTokens: n, completionTokens: n, status: 200, latencyMs: 1, ttftMs: null });
  process.stdout.write(`committed ${n}\n`);
}
