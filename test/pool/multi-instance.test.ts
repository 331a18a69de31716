/**
 * @module Two chat2api instances on one PostgreSQL pool and one emulator: what one learns (accounts, caps, usage,
 * fresh tokens) the other uses, and a refresh both want happens once. Each run gets its own schema (dropped after).
 * Needs PostgreSQL (TEST_DATABASE_URL, default the local `test` database): skipped without it, failed under CI.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../src/logger.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { LOCK_NAMESPACE } from "../../src/store/migrate-pg.ts";
import type { FetchLike } from "../../src/engines/web/session.ts";
import { e2eConfig } from "../e2e/test-config.ts";
import { type Emulator, startEmulator } from "../emulator/index.ts";
import { type PgTestSchemas, withTestPostgres } from "../support/pg-test-schemas.ts";
import { ADMIN_KEY, POOL_KEY } from "./pool-harness.ts";

/** Set when PostgreSQL is there (the suite below only runs then). */
let pg: PgTestSchemas;

interface Instance {
  server: RunningServer;
  chat(model: string): Promise<Response>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

interface Cluster extends AsyncDisposable {
  emulator: Emulator;
  a: Instance;
  b: Instance;
  /** Emulator account ids (with status) of the conversation requests logged since `from`, in order. */
  servedBy(from?: number): string[];
  /** Holds every OAuth call until `releaseOAuth` (both instances send theirs through it). */
  holdOAuth(): void;
  releaseOAuth(): void;
}

/** The emulator and two chat2api servers on one fresh schema, each with its own data directory. */
async function startCluster(): Promise<Cluster> {
  const databaseUrl = pg.freshSchemaUrl();
  const emulator = await startEmulator();
  let held: Promise<void> | null = null;
  let release = (): void => {};
  const releaseOAuth = (): void => {
    held = null;
    release();
  };
  const gatedFetch: FetchLike = async (input, init) => {
    if (held && input.endsWith("/oauth/token")) await held;
    return fetch(input, init);
  };
  const dirs: string[] = [];
  const start = async (): Promise<Instance> => {
    const dataDir = mkdtempSync(join(tmpdir(), "chat2api-multi-"));
    dirs.push(dataDir);
    const config = e2eConfig(emulator, dataDir, { POW_WORKERS: "1", AUTHORIZATION: POOL_KEY, ADMIN_KEY, RETRY_TIMES: "3", DATABASE_URL: databaseUrl });
    const server = await startServer(config, { logger: createLogger({ level: "error", format: "json", write: () => {} }), fetch: gatedFetch });
    return {
      server,
      chat: (model) =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${POOL_KEY}` },
          body: JSON.stringify({ model, messages: [{ role: "user", content: "hello from one of two" }] }),
        }),
      admin: (method, path, body) =>
        fetch(`${server.url}/admin/api${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
    };
  };
  // one after the other, then together below: the second finds the schema migrated
  const a = await start();
  const b = await start();
  return {
    emulator,
    a,
    b,
    servedBy: (from = 0) =>
      emulator.log.slice(from).filter((e) => e.path.endsWith("/conversation") && e.method === "POST").map((e) => `${e.account}:${e.status}`),
    holdOAuth() {
      held = new Promise((resolve) => {
        release = resolve;
      });
    },
    releaseOAuth,
    async [Symbol.asyncDispose]() {
      releaseOAuth();
      await Promise.all([a.server.stop(), b.server.stop()]);
      await emulator.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether some session waits for the refresh lock of this account (the other instance, queued behind the holder). */
async function someoneWaitsToRefresh(accountId: string): Promise<boolean> {
  const rows: Array<{ waiting: number }> = await pg.admin`
    SELECT count(*)::int AS waiting FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2
      AND classid = (hashtext(${LOCK_NAMESPACE})::bigint & 4294967295)::oid
      AND objid = (hashtext(${`refresh:${accountId}`})::bigint & 4294967295)::oid`;
  return (rows[0]?.waiting ?? 0) > 0;
}

async function addTokens(instance: Instance, tokens: string[]): Promise<void> {
  expect((await instance.admin("POST", "/accounts", { tokens: tokens.join("\n") })).status).toBe(200);
}

async function accountIds(instance: Instance): Promise<string[]> {
  return ((await (await instance.admin("GET", "/accounts")).json()) as { data: Array<{ id: string }> }).data.map((x) => x.id);
}

await withTestPostgres("the multi-instance tests", (postgres) => {
  pg = postgres;
  describe("two instances on one PostgreSQL pool", () => {
    test("an account added through A serves a request through B, and B's request log shows A's requests", async () => {
      await using cluster = await startCluster();
      const account = cluster.emulator.addAccount({ plan: "plus" });
      await addTokens(cluster.a, [account.accessToken]);
      expect((await cluster.b.chat("gpt-4o")).status).toBe(200);
      expect((await cluster.a.chat("gpt-4o")).status).toBe(200);
      expect(cluster.servedBy()).toEqual([`${account.id}:200`, `${account.id}:200`]);
      const [id = ""] = await accountIds(cluster.a);
      const logged = async () =>
        ((await (await cluster.b.admin("GET", "/requests")).json()) as { data: Array<{ accountId: string; status: number }> }).data;
      await until(async () => (await logged()).length === 2, "both requests in the shared log");
      expect((await logged()).map((r) => [r.accountId, r.status])).toEqual([
        [id, 200],
        [id, 200],
      ]);
    });

    test("a cap recorded by A is honoured by B: B never asks the capped account for that model", async () => {
      await using cluster = await startCluster();
      const x = cluster.emulator.addAccount({ plan: "plus" });
      const y = cluster.emulator.addAccount({ plan: "plus" });
      await addTokens(cluster.a, [x.accessToken, y.accessToken]);
      cluster.emulator.inject({ endpoint: "conversation", account: x.id, kind: { type: "cap", clearsInSec: 3600 } });
      expect((await cluster.a.chat("gpt-4o")).status).toBe(200);
      expect(cluster.servedBy()).toEqual([`${x.id}:429`, `${y.id}:200`]);
      const from = cluster.emulator.log.length;
      for (let i = 0; i < 3; i++) expect((await cluster.b.chat("gpt-4o")).status).toBe(200);
      expect(cluster.servedBy(from)).toEqual([`${y.id}:200`, `${y.id}:200`, `${y.id}:200`]);
    });

    test("a stale refresh-token account wanted by A and B at once is refreshed with one OAuth call; both requests are served", async () => {
      await using cluster = await startCluster();
      const account = cluster.emulator.addAccount({ plan: "plus" });
      await addTokens(cluster.a, [account.refreshToken]);
      const [id = ""] = await accountIds(cluster.a);
      cluster.holdOAuth();
      const both = Promise.all([cluster.a.chat("gpt-4o"), cluster.b.chat("gpt-4o")]);
      // the first instance's OAuth call is held until the second queues for the lock: truly at the same time
      await until(() => someoneWaitsToRefresh(id), "the second instance to wait for the refresh lock");
      cluster.releaseOAuth();
      expect((await both).map((r) => r.status)).toEqual([200, 200]);
      expect(cluster.emulator.stats().oauthRefreshes).toBe(1);
      expect(cluster.servedBy()).toEqual([`${account.id}:200`, `${account.id}:200`]);
    });

    test("forced refreshes of one account through A and B at once make one OAuth call; the later one says so", async () => {
      await using cluster = await startCluster();
      cluster.emulator.rotateRefreshTokens = true;
      const account = cluster.emulator.addAccount({ plan: "plus" });
      await addTokens(cluster.a, [account.refreshToken]);
      const [id = ""] = await accountIds(cluster.a);
      cluster.holdOAuth();
      const both = Promise.all([cluster.a.admin("POST", `/accounts/${id}/refresh`), cluster.b.admin("POST", `/accounts/${id}/refresh`)]);
      await until(() => someoneWaitsToRefresh(id), "the second instance to wait for the refresh lock");
      cluster.releaseOAuth();
      const results = await Promise.all((await both).map((r) => r.json()));
      expect(results.sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q)))).toEqual([
        { type: "refreshed" },
        { type: "skipped", reason: "refreshed by another instance a moment ago" },
      ]);
      expect(cluster.emulator.stats().oauthRefreshes).toBe(1);
      // the rotated refresh token reached both: a later forced refresh through B still works
      expect(await (await cluster.b.admin("POST", `/accounts/${id}/refresh`)).json()).toEqual({ type: "refreshed" });
      expect((await cluster.a.chat("gpt-4o")).status).toBe(200);
    });
  });
});
