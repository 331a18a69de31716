/**
 * @module The pool's data at rest, through the whole server: the database folder and files are private (0700 and
 * 0600) after start; with DATA_KEY no token is in the database's bytes, and a restart with the same key serves the
 * accounts again; a wrong key stops the start naming DATA_KEY (exit 2, configuration, from the real process); without one the
 * start-up log says tokens are plain.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../src/logger.ts";
import { startServer } from "../../src/server.ts";
import { databaseFiles } from "../../src/store/private-files.ts";
import { e2eConfig } from "../e2e/test-config.ts";
import { startEmulator } from "../emulator/index.ts";
import { ADMIN_KEY, POOL_KEY, startPoolHarness } from "./pool-harness.ts";

const DATA_KEY = "data-at-rest-test-key-0123456789abcdefghij";
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("data at rest", () => {
  test("after start the database folder is 0700 and the database, WAL and SHM are 0600", async () => {
    const parent = mkdtempSync(join(tmpdir(), "chat2api-modes-"));
    try {
      await using emulator = await startEmulator();
      const dataDir = join(parent, "data");
      await using server = await startServer(e2eConfig(emulator, dataDir, { POW_WORKERS: "1", ADMIN_KEY }), { logger: createLogger({ level: "error", format: "json", write: () => {} }) });
      const added = await fetch(`${server.url}/admin/api/accounts`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ tokens: emulator.addAccount({ plan: "plus" }).accessToken }),
      });
      expect(added.status).toBe(200);
      const path = join(dataDir, "chat2api.db");
      expect([modeOf(dataDir), ...databaseFiles(path).map((file) => (existsSync(file) ? modeOf(file) : "missing"))]).toEqual(["700", "600", "600", "600"]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test("with DATA_KEY the tokens are not in the database's bytes, and after a restart the accounts serve again", async () => {
    await using h = await startPoolHarness({ DATA_KEY });
    const account = h.emulator.addAccount({ plan: "plus" });
    expect((await h.admin("POST", "/accounts", { tokens: `${account.refreshToken}\n${account.accessToken}` })).status).toBe(200);
    expect((await h.chat("gpt-4o")).status).toBe(200);
    const path = join(h.dataDir, "chat2api.db");
    const secrets = [account.refreshToken, account.accessToken];
    const inBytes = () => {
      const bytes = databaseFiles(path).filter(existsSync).map((file) => readFileSync(file).toString("latin1")).join("\n");
      return secrets.filter((secret) => bytes.includes(secret));
    };
    expect(inBytes()).toEqual([]);
    await h.restart();
    expect(inBytes()).toEqual([]);
    const from = h.emulator.log.length;
    for (let i = 0; i < 2; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.servedBy(from)).toEqual([`${account.id}:200`, `${account.id}:200`]);
    const listed = ((await (await h.admin("GET", "/accounts")).json()) as { data: Array<{ label: string }> }).data.map((a) => a.label);
    expect(listed.sort()).toEqual(secrets.map((s) => `${s.slice(0, 6)}…${s.slice(-4)}`).sort());
  }, 30_000);

  test("without DATA_KEY the start-up log says tokens are stored in plain text, once", async () => {
    await using h = await startPoolHarness();
    expect(h.logs.filter((line) => line.includes("tokens are stored in plain text")).length).toBe(1);
  });

  test("a wrong DATA_KEY stops the real process with exit 2 (configuration) and a message naming DATA_KEY, never the keys", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "chat2api-wrong-key-"));
    try {
      await using emulator = await startEmulator();
      const server = await startServer(e2eConfig(emulator, dataDir, { POW_WORKERS: "1", ADMIN_KEY, DATA_KEY }), { logger: createLogger({ level: "error", format: "json", write: () => {} }) });
      const added = await fetch(`${server.url}/admin/api/accounts`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ tokens: emulator.addAccount({ plan: "plus" }).accessToken }),
      });
      expect(added.status).toBe(200);
      await server.stop();
      const wrongKey = "a-different-data-key-0123456789abcdefghij";
      const child = Bun.spawn([process.execPath, join(import.meta.dir, "../../src/main.ts")], {
        env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, AUTHORIZATION: POOL_KEY, DATA_KEY: wrongKey, POW_WORKERS: "1", LOG_FORMAT: "json" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
      const output = out + err;
      expect(output).toContain("The database holds tokens encrypted with a key of id");
      expect(output).toContain("set DATA_KEY to that key");
      expect([code, output.includes(DATA_KEY), output.includes(wrongKey)]).toEqual([2, false, false]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
