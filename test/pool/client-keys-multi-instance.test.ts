/**
 * @module Client keys on two chat2api instances sharing one PostgreSQL database: a key made on one works on the
 * other, what one counted the other honours, concurrent requests through both never pass the key's limit, and usage
 * from both adds up. Needs PostgreSQL (TEST_DATABASE_URL, default the local `test` database): skipped without it.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../src/logger.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { withinOneMinuteWindow } from "../support/minute-window.ts";
import { e2eConfig } from "../e2e/test-config.ts";
import { type Emulator, startEmulator } from "../emulator/index.ts";
import { type PgTestSchemas, withTestPostgres } from "../support/pg-test-schemas.ts";
import { ADMIN_KEY, POOL_KEY } from "./pool-harness.ts";

let pg: PgTestSchemas;

interface Instance {
  server: RunningServer;
  chat(secret: string): Promise<Response>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

async function startPair(): Promise<{ emulator: Emulator; a: Instance; b: Instance } & AsyncDisposable> {
  const databaseUrl = pg.freshSchemaUrl();
  const emulator = await startEmulator();
  const dirs: string[] = [];
  const start = async (): Promise<Instance> => {
    const dataDir = mkdtempSync(join(tmpdir(), "chat2api-keys-"));
    dirs.push(dataDir);
    const config = e2eConfig(emulator, dataDir, { POW_WORKERS: "1", AUTHORIZATION: POOL_KEY, ADMIN_KEY, DATABASE_URL: databaseUrl });
    const server = await startServer(config, { logger: createLogger({ level: "error", format: "json", write: () => {} }) });
    return {
      server,
      chat: (secret) =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
          body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello from one of two" }] }),
        }),
      admin: (method, path, body) =>
        fetch(`${server.url}/admin/api${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
    };
  };
  const a = await start();
  const b = await start();
  const account = emulator.addAccount({ plan: "plus" });
  expect((await a.admin("POST", "/accounts", { tokens: account.accessToken })).status).toBe(200);
  return {
    emulator,
    a,
    b,
    async [Symbol.asyncDispose]() {
      await Promise.all([a.server.stop(), b.server.stop()]);
      await emulator.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createKey(instance: Instance, body: Record<string, unknown>): Promise<{ key: { id: string }; secret: string }> {
  const response = await instance.admin("POST", "/keys", body);
  expect(response.status).toBe(200);
  return (await response.json()) as { key: { id: string }; secret: string };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

await withTestPostgres("the client-key multi-instance tests", (postgres) => {
  pg = postgres;
  describe("client keys on two instances sharing PostgreSQL", () => {
    test("a key made on A works on B, B honours the requests A counted, and both instances' usage adds up", async () => {
      await using pair = await startPair();
      const { key, secret } = await createKey(pair.a, { name: "shared", requestsPerMinute: 3 });
      await withinOneMinuteWindow();
      expect((await pair.a.chat(secret)).status).toBe(200);
      expect((await pair.a.chat(secret)).status).toBe(200);
      const third = await pair.b.chat(secret);
      expect([third.status, third.headers.get("x-ratelimit-remaining-requests")]).toEqual([200, "0"]);
      const refused = await pair.b.chat(secret);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("x-ratelimit-limit-requests")).toBe("3");
      expect((await pair.a.chat(secret)).status).toBe(429);
      const usage = async () => ((await (await pair.b.admin("GET", `/keys/${key.id}/usage?days=1`)).json()) as { data: Array<{ requests: number; completionTokens: number }> }).data[0];
      await until(async () => ((await usage())?.completionTokens ?? 0) > 0, "tokens charged");
      expect((await usage())?.requests).toBe(3);
      // revoked on B: refused on A at once
      expect((await pair.b.admin("DELETE", `/keys/${key.id}`)).status).toBe(200);
      expect((await pair.a.chat(secret)).status).toBe(401);
    });

    test("concurrent requests through both instances never pass the key's requests per minute", async () => {
      await using pair = await startPair();
      const { secret } = await createKey(pair.a, { name: "raced", requestsPerMinute: 4 });
      await withinOneMinuteWindow();
      const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? pair.a : pair.b).chat(secret).then((response) => response.status)));
      expect(statuses.filter((status) => status === 200).length).toBe(4);
      expect(statuses.filter((status) => status === 429).length).toBe(8);
    });
  });
});
