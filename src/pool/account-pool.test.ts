/** @module Selection and failover policy of the account pool, over a real in-memory Store and a fake OAuth grant. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelNotFoundError, RateLimitError, UpstreamFailureError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import type { NewAccount, Store } from "../store/store.ts";
import { fakeJwt, fakeRefreshToken, grantOf, type OAuthRefresh, type RefreshGrant } from "../../test/pool/fixtures.ts";
import type { AccountPool } from "./account-pool.ts";
import { createAccountPool } from "./account-pool.ts";
import { createRefresher } from "./refresher.ts";
import { apiErrorOf } from "../reply/api-error-of.ts";

const DAY = 86_400_000;
let clock = 1_700_000_000_000;
const now = () => clock;

interface Harness {
  store: Store;
  pool: AccountPool;
  grants: string[];
}

function harness(store: Store, { randomToken = false, enableLimit = true, grant }: { randomToken?: boolean; enableLimit?: boolean; grant?: (rt: string) => RefreshGrant } = {}): Harness {
  const grants: string[] = [];
  const oauthRefresh: OAuthRefresh = async (rt) => {
    grants.push(rt);
    return grant ? grant(rt) : { type: "ok", accessToken: fakeJwt({ expMs: clock + 10 * DAY, tag: `fresh${grants.length}` }), refreshToken: null };
  };
  const refresher = createRefresher({ store, accountGrant: grantOf(oauthRefresh), logger: silentLogger, now });
  let seed = 0;
  const pool = createAccountPool({ store, refresher, config: { randomToken, enableLimit }, logger: silentLogger, now, random: () => [0.1, 0.9, 0.5][seed++ % 3] ?? 0 });
  return { store, pool, grants };
}

function access(tag: string, plan: string | null = null): NewAccount {
  const token = fakeJwt({ expMs: clock + 10 * DAY, plan, tag });
  return { credential: token, kind: "access", accessToken: token, accessTokenExpiresAt: clock + 10 * DAY, plan };
}

async function leaseIds(pool: AccountPool, n: number, model = "gpt-4o"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await pool.lease({ model, exclude: new Set() }))?.accountId ?? "none");
  return ids;
}

describe("account pool", () => {
  let store: Store;
  beforeEach(() => {
    clock = 1_700_000_000_000;
    store = createSqliteStore({ path: ":memory:", now });
  });
  afterEach(() => store.close());

  test("round-robin hands out 3 accounts in turn", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("a"), access("b"), access("c")]);
    const [a, b, c] = added.map((x) => x.id);
    expect(await leaseIds(pool, 6)).toEqual([a, b, c, a, b, c] as string[]);
  });

  test("a lease bound to one account (`only`) gets that account every time; a failed one is a 503 that says so", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("a"), access("b"), access("c")]);
    const [, b = ""] = added.map((x) => x.id);
    const bound = [];
    for (let i = 0; i < 4; i++) bound.push((await pool.lease({ model: "gpt-4o", exclude: new Set(), only: b }))?.accountId);
    expect(bound).toEqual([b, b, b, b]);
    expect(await pool.lease({ model: "gpt-4o", exclude: new Set([b]), only: b })).toBeNull();
    await store.updateAccount(b, { status: "failed", lastError: "upstream rejected the access token (401)" });
    const refusal = await pool.lease({ model: "gpt-4o", exclude: new Set(), only: b }).catch((error: unknown) => apiErrorOf(error));
    expect(refusal).toBeInstanceOf(UpstreamFailureError);
    expect([(refusal as UpstreamFailureError).status, (refusal as UpstreamFailureError).code, (refusal as Error).message]).toEqual([
      503,
      "conversation_account_unavailable",
      "The account that holds this conversation is failed (upstream rejected the access token (401)); a conversation cannot move to another account. Start a new one.",
    ]);
    await store.removeAccount(b);
    await expect(pool.lease({ model: "gpt-4o", exclude: new Set(), only: b })).rejects.toThrow("was removed from the pool");
  });

  test("RANDOM_TOKEN picks by the random source", async () => {
    const { pool } = harness(store, { randomToken: true });
    const { added } = await store.addAccounts([access("a"), access("b"), access("c")]);
    const [a, b, c] = added.map((x) => x.id);
    // random() yields 0.1, 0.9, 0.5 → indexes 0, 2, 1
    expect(await leaseIds(pool, 3)).toEqual([a, c, b] as string[]);
  });

  test("a lease carries the token, workspace and a masked label", async () => {
    const { pool } = harness(store);
    const input = { ...access("w", "plus"), teamAccountId: "team-9" };
    await store.addAccounts([input]);
    const lease = await pool.lease({ model: "gpt-4o", exclude: new Set() });
    expect(lease && { ...lease, leaseId: "x", accountId: "x" }).toEqual({
      leaseId: "x",
      accountId: "x",
      accessToken: input.credential,
      teamAccountId: "team-9",
      chatgptAccountId: null,
      plan: "plus",
      proxyUrl: null,
      label: `${input.credential.slice(0, 6)}…${input.credential.slice(-4)}`,
      engine: "web",
    });
  });

  test("an empty pool, or one with only failed and disabled accounts, leases nothing (anonymous)", async () => {
    const { pool } = harness(store);
    expect(await pool.lease({ model: "gpt-4o", exclude: new Set() })).toBeNull();
    const { added } = await store.addAccounts([access("a"), access("b")]);
    await store.updateAccount(added[0]?.id ?? "", { status: "failed" });
    await store.updateAccount(added[1]?.id ?? "", { status: "disabled" });
    expect(await pool.lease({ model: "gpt-4o", exclude: new Set() })).toBeNull();
  });

  test("failed accounts are skipped and excluded ones are not retried; all tried → null", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("a"), access("b"), access("c")]);
    const [a, b, c] = added.map((x) => x.id) as [string, string, string];
    await store.updateAccount(b, { status: "failed" });
    expect(await leaseIds(pool, 3)).toEqual([a, c, a]);
    expect((await pool.lease({ model: "gpt-4o", exclude: new Set([a]) }))?.accountId).toBe(c);
    expect(await pool.lease({ model: "gpt-4o", exclude: new Set([a, c]) })).toBeNull();
  });

  test("a capped account is skipped for that model only, until the cap clears", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("a"), access("b")]);
    const [a, b] = added.map((x) => x.id) as [string, string];
    const lease = await pool.lease({ model: "gpt-4o", exclude: new Set() });
    if (!lease) throw new Error("no lease");
    await pool.report(lease, { type: "capped", model: "gpt-4o", clearsInSec: 100 });
    expect(await leaseIds(pool, 2)).toEqual([b, b]);
    expect(await leaseIds(pool, 2, "auto")).toEqual([a, b]);
    expect(await pool.cooldownFor(a, "gpt-4o")).toBe(100);
    clock += 100_000;
    expect(await pool.cooldownFor(a, "gpt-4o")).toBeNull();
    expect(await leaseIds(pool, 2)).toEqual([a, b]);
  });

  test("when every account rests, 429 says the soonest clear", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("a"), access("b")]);
    const [a, b] = added.map((x) => x.id) as [string, string];
    await store.setCooldown({ subject: a, model: "gpt-4o", untilMs: clock + 300_000, reason: "capped" });
    await store.setCooldown({ subject: b, model: "*", untilMs: clock + 42_000, reason: "blocked" });
    const error = await pool.lease({ model: "gpt-4o", exclude: new Set() }).catch((e: unknown) => apiErrorOf(e));
    expect(error).toBeInstanceOf(RateLimitError);
    expect({ retryAfter: (error as RateLimitError).retryAfterSec, header: (error as RateLimitError).headers["retry-after"] }).toEqual({ retryAfter: 42, header: "42" });
  });

  test("with ENABLE_LIMIT=false caps are recorded but not honoured; blocks still are", async () => {
    const { pool } = harness(store, { enableLimit: false });
    const { added } = await store.addAccounts([access("a"), access("b")]);
    const [a, b] = added.map((x) => x.id) as [string, string];
    await store.setCooldown({ subject: a, model: "gpt-4o", untilMs: clock + 300_000, reason: "capped" });
    await store.setCooldown({ subject: b, model: "*", untilMs: clock + 300_000, reason: "blocked" });
    expect(await leaseIds(pool, 2)).toEqual([a, a]);
    expect(await pool.cooldownFor(a, "gpt-4o")).toBeNull();
  });

  test("a free model goes to free accounts first; a paid account serves it only when no other can", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("plus", "plus"), access("free", "free")]);
    const [plus, free] = added.map((x) => x.id) as [string, string];
    expect(await leaseIds(pool, 3, "auto")).toEqual([free, free, free]);
    expect((await pool.lease({ model: "auto", exclude: new Set([free]) }))?.accountId).toBe(plus);
    await store.setCooldown({ subject: free, model: "auto", untilMs: clock + 1000, reason: "capped" });
    expect(await leaseIds(pool, 1, "auto")).toEqual([plus]);
  });

  test("a paid-only model never goes to a free account; none can serve it → model_not_found", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("free", "free"), access("plus", "plus")]);
    const plus = added[1]?.id;
    expect(await leaseIds(pool, 2, "o3")).toEqual([plus, plus] as string[]);
    await store.updateAccount(plus ?? "", { status: "disabled" });
    expect(await pool.lease({ model: "o3", exclude: new Set() }).catch((e: unknown) => apiErrorOf(e))).toBeInstanceOf(ModelNotFoundError);
  });

  test("401 on an access-token account marks it failed and the next lease skips it", async () => {
    const { pool } = harness(store);
    const { added } = await store.addAccounts([access("a"), access("b")]);
    const [a, b] = added.map((x) => x.id) as [string, string];
    const lease = await pool.lease({ model: "gpt-4o", exclude: new Set() });
    if (!lease) throw new Error("no lease");
    await pool.report(lease, { type: "unauthorized" });
    expect(await store.getAccount(a)).toMatchObject({ status: "failed", lastError: "upstream rejected the access token (401)", failureCount: 1 });
    expect(await leaseIds(pool, 2)).toEqual([b, b]);
  });

  test("a refresh-token account is refreshed on first lease, again (forced) after a 401, and failed on a 401 right after; rotation is stored", async () => {
    let rotation = 0;
    const { pool, grants } = harness(store, {
      grant: () => ({ type: "ok", accessToken: fakeJwt({ expMs: clock + 10 * DAY, plan: "plus", tag: `r${++rotation}` }), refreshToken: fakeRefreshToken(`rot${rotation}`) }),
    });
    const rt = fakeRefreshToken("orig");
    const { added } = await store.addAccounts([{ credential: rt, kind: "refresh", refreshToken: rt }]);
    const id = added[0]?.id ?? "";
    const first = await pool.lease({ model: "gpt-4o", exclude: new Set() });
    expect(first?.accessToken).toBe(fakeJwt({ expMs: clock + 10 * DAY, plan: "plus", tag: "r1" }));
    expect(first?.plan).toBe("plus");
    expect(await leaseIds(pool, 1)).toEqual([id]);
    expect(grants).toEqual([rt]);
    if (!first) throw new Error("no lease");
    clock += 3_600_000;
    await pool.report(first, { type: "unauthorized" });
    expect(grants).toEqual([rt, fakeRefreshToken("rot1")]);
    expect(await store.getAccount(id)).toMatchObject({ status: "active", refreshToken: fakeRefreshToken("rot2"), credential: rt, lastError: null });
    // refused again minutes after a refresh: the account itself is refused, so no refresh loop
    const second = await pool.lease({ model: "gpt-4o", exclude: new Set() });
    if (!second) throw new Error("no lease");
    await pool.report(second, { type: "unauthorized" });
    expect(grants.length).toBe(2);
    expect(await store.getAccount(id)).toMatchObject({ status: "failed", lastError: "upstream rejected a freshly refreshed access token (401)" });
  });

  test("a revoked refresh token marks the account failed with the reason, it is skipped and never sent again", async () => {
    const dead = fakeRefreshToken("dead");
    const { pool, grants } = harness(store, {
      grant: (rt) => (rt === dead ? { type: "revoked", reason: "refresh token rejected (invalid_grant)" } : { type: "ok", accessToken: fakeJwt({ expMs: clock + 10 * DAY, tag: "ok" }), refreshToken: null }),
    });
    const { added } = await store.addAccounts([
      { credential: dead, kind: "refresh", refreshToken: dead },
      { credential: fakeRefreshToken("live"), kind: "refresh", refreshToken: fakeRefreshToken("live") },
    ]);
    const [deadId, liveId] = added.map((x) => x.id) as [string, string];
    expect(await leaseIds(pool, 3)).toEqual([liveId, liveId, liveId]);
    expect(await store.getAccount(deadId)).toMatchObject({ status: "failed", lastError: "refresh token rejected (invalid_grant)" });
    expect(grants.filter((g) => g === dead).length).toBe(1);
  });

  test("an unreachable OAuth host does not mark the account; a still-valid token is used meanwhile", async () => {
    const { pool } = harness(store, { grant: () => ({ type: "unavailable", reason: "OAuth host unreachable" }) });
    const rt = fakeRefreshToken("net");
    const validForHours = fakeJwt({ expMs: clock + 3_600_000, tag: "old" });
    const { added } = await store.addAccounts([
      { credential: rt, kind: "refresh", refreshToken: rt, accessToken: validForHours, accessTokenExpiresAt: clock + 3_600_000 },
    ]);
    expect((await pool.lease({ model: "gpt-4o", exclude: new Set() }))?.accessToken).toBe(validForHours);
    expect(await store.getAccount(added[0]?.id ?? "")).toMatchObject({ status: "active", lastError: "refresh failed: OAuth host unreachable" });
    clock += 2 * 3_600_000;
    expect(await pool.lease({ model: "gpt-4o", exclude: new Set() })).toBeNull();
  });

  test("a cap met with a caller's own token is honoured later, keyed by a digest", async () => {
    const { pool } = harness(store);
    const own = fakeJwt({ expMs: null, tag: "own" });
    await pool.reportOwn(own, { type: "capped", model: "gpt-4o", clearsInSec: 30 });
    expect(await pool.cooldownFor(own, "gpt-4o")).toBe(30);
    const rows = await store.activeCooldowns(clock);
    expect(rows.map((r) => r.subject.startsWith("at:") && !r.subject.includes(own))).toEqual([true]);
  });
});

test("a cap is honoured after a restart (file database reopened)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pool-restart-"));
  try {
    const path = join(dir, "p.db");
    const first = createSqliteStore({ path, now });
    const h1 = harness(first);
    const { added } = await first.addAccounts([access("a"), access("b")]);
    const [a, b] = added.map((x) => x.id) as [string, string];
    const lease = await h1.pool.lease({ model: "gpt-4o", exclude: new Set() });
    if (!lease) throw new Error("no lease");
    await h1.pool.report(lease, { type: "capped", model: "gpt-4o", clearsInSec: 600 });
    await first.close();
    const second = createSqliteStore({ path, now });
    const h2 = harness(second);
    expect(await leaseIds(h2.pool, 2)).toEqual([b, b]);
    expect(await h2.pool.cooldownFor(a, "gpt-4o")).toBe(600);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
