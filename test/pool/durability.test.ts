/**
 * @module SIGKILL durability: a process killed mid-write loses nothing it had committed (SQLite WAL with
 * synchronous=NORMAL is durable against process death; only power loss could take the last transactions).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../../src/store/sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "durability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("rows committed before a SIGKILL are all there after reopening", async () => {
  const path = join(dir, "pool.db");
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "store-writer.ts"), path], { stdout: "pipe", stderr: "inherit" });
  let committed = 0;
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = child.stdout.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const matches = [...buffer.matchAll(/committed (\d+)\n/g)];
    const last = matches.at(-1);
    if (last) committed = Number(last[1]);
    if (committed >= 200) {
      // in the middle of the next write: kill -9, no chance to close or checkpoint
      child.kill("SIGKILL");
      break;
    }
  }
  expect(await child.exited).not.toBe(0);
  expect(child.signalCode).toBe("SIGKILL");
  const store = createSqliteStore({ path });
  try {
    const credentials = new Set((await store.listAccounts()).map((a) => a.credential));
    const cooldowns = new Set((await store.activeCooldowns(0)).map((c) => c.subject));
    const logged = new Set((await store.recentRequests(1000)).map((r) => r.at));
    const missing: string[] = [];
    for (let n = 1; n <= committed; n++) {
      if (!credentials.has(`credential-${n}`)) missing.push(`account ${n}`);
      if (!cooldowns.has(`account-${n}`)) missing.push(`cooldown ${n}`);
      if (!logged.has(n)) missing.push(`request ${n}`);
    }
    expect({ committedAtLeast200: committed >= 200, missing }).toEqual({ committedAtLeast200: true, missing: [] });
  } finally {
    await store.close();
  }
});
