/**
 * @module No secret in the pool's logs: every path that logs (refresh ok, rotated, revoked, unreachable, failover
 * outcomes, own tokens, the schedule) runs with a capturing logger, then the lines are searched for every token used.
 */
import { expect, test } from "bun:test";
import { createLogger } from "../../src/logger.ts";
import { createAccountPool } from "../../src/pool/account-pool.ts";
import { createRefreshScheduler } from "../../src/pool/refresh-scheduler.ts";
import { createRefresher } from "../../src/pool/refresher.ts";
import { createCallerResolver } from "../../src/pool/resolve-caller.ts";
import { createSqliteStore } from "../../src/store/sqlite.ts";
import { fakeJwt, fakeRefreshToken, grantOf, type OAuthRefresh } from "./fixtures.ts";

test("pool, refresh, caller resolution and schedule never log a token", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });
  const store = createSqliteStore({ path: ":memory:" });
  const live = fakeRefreshToken("liveSecret");
  const rotated = fakeRefreshToken("rotatedSecret");
  const dead = fakeRefreshToken("deadSecret");
  const flaky = fakeRefreshToken("flakySecret");
  const issued = fakeJwt({ expMs: Date.now() + 10 * 86_400_000, tag: "issuedSecret" });
  const access = fakeJwt({ expMs: Date.now() + 10 * 86_400_000, tag: "accessSecret" });
  const own = fakeJwt({ expMs: null, tag: "ownSecret" });
  const secrets = [live, rotated, dead, flaky, issued, access, own, "sk-pool-secret-key"];
  const oauthRefresh: OAuthRefresh = async (rt) => {
    if (rt === dead) return { type: "revoked", reason: "refresh token rejected (invalid_grant)" };
    if (rt === flaky) return { type: "unavailable", reason: "OAuth host unreachable: connection refused" };
    return { type: "ok", accessToken: issued, refreshToken: rotated };
  };
  const refresher = createRefresher({ store, accountGrant: grantOf(oauthRefresh), logger });
  const pool = createAccountPool({ store, refresher, config: { randomToken: false, enableLimit: true }, logger });
  const resolve = createCallerResolver({ config: { authorizationKeys: ["sk-pool-secret-key"] }, refresher });
  await store.addAccounts([
    { credential: live, kind: "refresh", refreshToken: live },
    { credential: dead, kind: "refresh", refreshToken: dead },
    { credential: flaky, kind: "refresh", refreshToken: flaky },
    { credential: access, kind: "access", accessToken: access },
  ]);
  for (let i = 0; i < 4; i++) {
    // ends when every account is failed or resting (null or a 429)
    const lease = await pool.lease({ model: "gpt-4o", exclude: new Set() }).catch(() => null);
    if (!lease) break;
    await pool.report(lease, [{ type: "unauthorized" } as const, { type: "blocked", reason: "cloudflare" } as const, { type: "capped", model: "gpt-4o", clearsInSec: 9 } as const][i % 3] ?? { type: "server-error", status: 502 });
  }
  await pool.reportOwn(own, { type: "capped", model: "gpt-4o", clearsInSec: 9 });
  await resolve({ bearer: dead, teamAccountId: null }).catch(() => {});
  await resolve({ bearer: flaky, teamAccountId: null }).catch(() => {});
  await resolve({ bearer: live, teamAccountId: null });
  await createRefreshScheduler({ refresher, logger, enabled: false, pattern: "0 3 * * *" }).runNow({ force: true });
  await store.close();
  expect(lines.length).toBeGreaterThan(5);
  const leaked = secrets.filter((secret) => lines.some((line) => line.includes(secret)));
  expect(leaked).toEqual([]);
});
