/**
 * @module Kill chat2api with SIGKILL while requests are in flight, reopen its database: every account, cooldown and
 * logged request it had committed (and shown through its API) is still there.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../../src/store/sqlite.ts";
import { startEmulator } from "../emulator/index.ts";
import { ADMIN_KEY, POOL_KEY } from "./pool-harness.ts";

const dataDir = mkdtempSync(join(tmpdir(), "chat2api-sigkill-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** main.ts logs `chat2api <version> listening on <url>` (JSON lines on stderr) once it serves. */
async function readUrl(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the child exited before listening: ${text}`);
    text += decoder.decode(value, { stream: true });
    const match = /listening on (http:\/\/[^\s"]+)/.exec(text);
    if (match?.[1]) {
      reader.releaseLock();
      return match[1];
    }
  }
}

test("SIGKILL mid-flight loses no committed account, cooldown or logged request", async () => {
  await using emulator = await startEmulator();
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "../../src/main.ts")], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      CHATGPT_BASE_URL: emulator.url,
      AUTH_BASE_URL: emulator.url,
      AUTHORIZATION: POOL_KEY,
      ADMIN_KEY,
      POW_WORKERS: "1",
      LOG_FORMAT: "json",
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    const url = await readUrl(child.stderr);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${url}/admin/api${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const chat = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${POOL_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
      });
    const accounts = [emulator.addAccount(), emulator.addAccount(), emulator.addAccount()];
    expect((await admin("POST", "/accounts", { tokens: accounts.map((a) => a.accessToken).join("\n") })).status).toBe(200);
    emulator.inject({ endpoint: "conversation", account: accounts[0]?.id ?? "", kind: { type: "cap", clearsInSec: 3600 } });
    for (let i = 0; i < 5; i++) expect((await chat()).status).toBe(200);

    const shownAccounts = ((await (await admin("GET", "/accounts")).json()) as { data: Array<{ id: string }> }).data.map((a) => a.id);
    const shownCooldowns = ((await (await admin("GET", "/cooldowns")).json()) as { data: Array<{ subject: string; model: string }> }).data.map((c) => `${c.subject}/${c.model}`);
    const shownRequests = ((await (await admin("GET", "/requests")).json()) as { data: Array<{ id: number }> }).data.map((r) => r.id);
    expect([shownAccounts.length, shownCooldowns.length, shownRequests.length]).toEqual([3, 1, 5]);

    // three more requests that hang upstream, then the kill while they are in flight
    emulator.inject({ endpoint: "conversation", times: 3, kind: { type: "slow", delayMs: 60_000 } });
    const before = emulator.log.length;
    const inFlight = [chat(), chat(), chat()].map((p) => p.catch(() => "cut"));
    while (emulator.log.slice(before).filter((e) => e.path.endsWith("/conversation")).length < 3) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    await child.exited;
    expect(await Promise.all(inFlight)).toEqual(["cut", "cut", "cut"]);

    const store = createSqliteStore({ path: join(dataDir, "chat2api.db") });
    try {
      expect({
        accounts: (await store.listAccounts()).map((a) => a.id),
        cooldowns: (await store.activeCooldowns(Date.now())).map((c) => `${c.subject}/${c.model}`),
        requests: (await store.recentRequests(100)).map((r) => r.id),
      }).toEqual({ accounts: shownAccounts, cooldowns: shownCooldowns, requests: shownRequests });
    } finally {
      await store.close();
    }
  } finally {
    child.kill("SIGKILL");
  }
});
