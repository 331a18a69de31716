/** @module The runtime's wiring: DATABASE_URL opens a migrated store, and refresh goes to AUTH_BASE_URL through the injected fetch. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { silentLogger } from "../logger.ts";
import { fakeJwt, fakeRefreshToken } from "../../test/pool/fixtures.ts";
import { createPoolRuntime, openStore } from "./pool-runtime.ts";

const dir = mkdtempSync(join(tmpdir(), "runtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a refresh token bearer is exchanged at AUTH_BASE_URL/oauth/token with the configured client", async () => {
  const config = loadConfig({ DATA_DIR: dir, AUTH_BASE_URL: "http://auth.test", OAUTH_CLIENT_ID: "cid", OAUTH_REDIRECT_URI: "app://cb" });
  const sent: unknown[] = [];
  const access = fakeJwt({ expMs: Date.now() + 10 * 86_400_000, tag: "rt" });
  const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    return Response.json({ access_token: access });
  }) as typeof fetch;
  const runtime = createPoolRuntime(config, { logger: silentLogger, fetch: fakeFetch });
  try {
    const rt = fakeRefreshToken("runtime");
    expect(await runtime.resolveCaller({ bearer: rt, teamAccountId: null })).toEqual({ kind: "own", accessToken: access, teamAccountId: null, label: `${rt.slice(0, 6)}…${rt.slice(-4)}` });
    expect(sent).toEqual([{ url: "http://auth.test/oauth/token", body: { client_id: "cid", grant_type: "refresh_token", redirect_uri: "app://cb", refresh_token: rt } }]);
    expect(await runtime.store.listAccounts()).toEqual([]);
    expect(await runtime.scheduler.start()).toBeNull();
  } finally {
    await runtime.close();
  }
});

test("a DATABASE_URL of another kind is refused plainly", () => {
  expect(() => openStore({ databaseUrl: "mysql://x", dataKey: null, dataKeyPrevious: [] }, { now: Date.now, logger: silentLogger })).toThrow("DATABASE_URL");
});
