/** @module The management API and chat2api's /tokens routes through the real app: guard, shapes, bad input. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type AnyElysia, Elysia } from "elysia";
import { createApp } from "../../app.ts";
import { silentLogger } from "../../logger.ts";
import { createSqliteStore } from "../../store/sqlite.ts";
import type { Store } from "../../store/store.ts";
import { fakeJwt, fakeRefreshToken } from "../../../test/pool/fixtures.ts";
import { fakeCodexJwt, FAKE_CODEX_CLIENT } from "../../../test/support/fake-codex-oauth.ts";
import { tokensModule } from "../tokens/index.ts";
import { adminModule } from "./index.ts";
import type { AccountView, CooldownView } from "./model.ts";
import { createAdminService } from "./service.ts";

const ADMIN = "admin-key-0123456789";
const jwt = fakeJwt({ expMs: 2_000_000_000_000, tag: "mgmt" });
const rt = fakeRefreshToken("mgmt");

let store: Store;
beforeEach(() => {
  store = createSqliteStore({ path: ":memory:" });
});
afterEach(() => store.close());

function makeApp({ adminKey = ADMIN as string | null, authorizationKeys = [] as string[], apiPrefix = null as string | null, after = [] as AnyElysia[] } = {}) {
  const config = { adminKey, authorizationKeys };
  const service = createAdminService({
    store,
    refresher: { refreshAccount: async () => ({ type: "skipped", reason: "test" }) },
    scheduler: { runNow: async () => ({ refreshed: 0, failed: 0, skipped: 0, failures: [] }) },
  });
  return createApp({ apiPrefix, maxBodyBytes: 8 << 20, logger: silentLogger, version: "test", modules: [tokensModule({ service, config }), adminModule({ service, config }), ...after] });
}

type App = ReturnType<typeof makeApp>;

async function call(app: App, method: string, path: string, { key = ADMIN as string | null, json, form }: { key?: string | null; json?: unknown; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(json);
  }
  if (form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(form).toString();
  }
  const response = await app.handle(new Request(`http://localhost${path}`, { method, headers, body }));
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed, text };
}

const guarded: Array<[string, string]> = [
  ["GET", "/admin/api/accounts"],
  ["POST", "/admin/api/refresh"],
  ["GET", "/admin/api/cooldowns"],
  ["GET", "/admin/api/requests"],
  ["GET", "/admin/api/requests.csv"],
  ["POST", "/tokens/error"],
  ["POST", "/tokens/clear"],
  ["GET", `/tokens/add/${rt}`],
];

describe("guard", () => {
  test.each(guarded)("%s %s refuses without a key and with a wrong key", async (method, path) => {
    const app = makeApp();
    const missing = await call(app, method, path, { key: null });
    const wrong = await call(app, method, path, { key: "admin-key-0123456780" });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual({ error: { message: "Incorrect admin key.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    expect(wrong.text).not.toContain("admin-key-0123456780");
    expect(await store.listAccounts()).toEqual([]);
  });

  test.each(guarded)("%s %s answers with the admin key", async (method, path) => {
    expect((await call(makeApp(), method, path)).status).toBe(200);
  });

  test("without ADMIN_KEY an AUTHORIZATION key is the admin key", async () => {
    const app = makeApp({ adminKey: null, authorizationKeys: ["sk-pool-a", "sk-pool-b"] });
    expect((await call(app, "GET", "/admin/api/accounts", { key: "sk-pool-b" })).status).toBe(200);
    expect((await call(app, "GET", "/admin/api/accounts", { key: ADMIN })).status).toBe(401);
  });

  test("with neither key set, only loopback callers are let in", async () => {
    const app = makeApp({ adminKey: null });
    // app.handle has no socket, so no loopback address: refused
    expect((await call(app, "GET", "/admin/api/accounts", { key: null })).status).toBe(403);
    app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const response = await fetch(`http://127.0.0.1:${app.server?.port}/admin/api/accounts`);
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { data: [] } });
    } finally {
      await app.stop(true);
    }
  });

  test("the guard stays inside the management modules: a route mounted after them is not guarded", async () => {
    const app = makeApp({ after: [new Elysia({ name: "after" }).get("/after", () => ({ ok: true }))] });
    expect(await call(app, "GET", "/after", { key: null })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await call(app, "GET", "/admin/api/accounts", { key: null })).status).toBe(401);
  });

  test("the page itself needs no key and holds no secret", async () => {
    const app = makeApp();
    await call(app, "POST", "/admin/api/accounts", { json: { tokens: jwt } });
    for (const path of ["/tokens", "/admin"]) {
      const response = await app.handle(new Request(`http://localhost${path}`));
      const html = await response.text();
      expect({ status: response.status, type: response.headers.get("content-type"), cache: response.headers.get("cache-control") }).toEqual({
        status: 200,
        type: "text/html; charset=utf-8",
        cache: "no-store",
      });
      expect(html).toContain("<title>chat2api · accounts</title>");
      expect(html).not.toContain(jwt);
    }
  });
});

describe("chat2api routes", () => {
  test("upload adds tokens from form field text, with # comments, in chat2api's shape", async () => {
    const app = makeApp();
    const result = await call(app, "POST", "/tokens/upload", { form: { text: `# pool\n${jwt}\n${rt},team-1\n` } });
    expect(result).toMatchObject({ status: 200, body: { status: "success", tokens_count: 2, added: 2, duplicates: 0, rejected: 0, summary: null } });
    expect((await store.listAccounts()).map((a) => [a.kind, a.teamAccountId])).toEqual([
      ["access", ""],
      ["refresh", "team-1"],
    ]);
  });

  test.each([
    ["an empty upload", ""],
    ["only comments", "# nothing\n\n"],
  ])("%s → 400 that says the upload is empty", async (_name, text) => {
    const result = await call(makeApp(), "POST", "/tokens/upload", { form: { text } });
    expect(result).toEqual({
      status: 400,
      body: { error: { message: "No token added: the upload is empty (only blank lines or # comments). Put one token per line.", type: "invalid_request_error", param: "text", code: "no_valid_tokens" } },
      text: result.text,
    });
  });

  test("a missing text field → the same clear 400", async () => {
    expect((await call(makeApp(), "POST", "/tokens/upload", { form: {} })).status).toBe(400);
  });

  test("10,000 lines of garbage → 400 with a reason summary, nothing stored", async () => {
    const garbage = Array.from({ length: 10_000 }, (_, i) => `garbage ${i} ${"x".repeat(i % 50)}`).join("\n");
    const result = await call(makeApp(), "POST", "/tokens/upload", { form: { text: garbage } });
    expect(result.status).toBe(400);
    expect((result.body as { error: { message: string } }).error.message).toBe(
      "No token added: 10000 lines refused: 10000 contains spaces (lines 1, 2, 3, 4, 5, …). Put one token per line.",
    );
    expect(await store.listAccounts()).toEqual([]);
  });

  test("a duplicate is stored once and reported; a token with spaces is refused by line", async () => {
    const app = makeApp();
    await call(app, "POST", "/tokens/upload", { form: { text: jwt } });
    const result = await call(app, "POST", "/tokens/upload", { form: { text: `${jwt}\n${jwt}\neyJ with spaces\n${rt}` } });
    expect(result.body).toEqual({ status: "success", tokens_count: 2, added: 1, duplicates: 2, rejected: 1, summary: "1 line refused: 1 contains spaces (line 3)" });
    expect((await store.listAccounts()).length).toBe(2);
    expect(result.text).not.toContain(jwt);
  });

  test("add/{token} adds one; a token with spaces is refused; clear empties; error lists failed masked", async () => {
    const app = makeApp();
    expect((await call(app, "GET", `/tokens/add/${rt}`)).body).toMatchObject({ status: "success", tokens_count: 1, added: 1 });
    expect((await call(app, "GET", `/tokens/add/${encodeURIComponent("abc def ghi")}`)).status).toBe(400);
    const [account] = await store.listAccounts();
    await store.updateAccount(account?.id ?? "", { status: "failed" });
    expect((await call(app, "POST", "/tokens/error")).body).toEqual({ status: "success", error_tokens: [`${rt.slice(0, 6)}…${rt.slice(-4)}`] });
    expect((await call(app, "POST", "/tokens/clear")).body).toEqual({ status: "success", tokens_count: 0 });
    expect(await store.listAccounts()).toEqual([]);
  });

  test("under API_PREFIX the routes move with it", async () => {
    const app = makeApp({ apiPrefix: "secret" });
    expect((await call(app, "POST", "/secret/tokens/upload", { form: { text: jwt } })).status).toBe(200);
    expect((await call(app, "GET", "/secret/admin/api/accounts")).status).toBe(200);
    expect((await call(app, "GET", "/tokens")).status).toBe(404);
  });
});

describe("JSON API", () => {
  test("accounts are listed masked, disabled, enabled and removed; an unknown id is 404", async () => {
    const app = makeApp();
    const added = await call(app, "POST", "/admin/api/accounts", { json: { tokens: `${jwt}\n${rt},team-2` } });
    expect(added.body).toEqual({ added: 2, duplicates: 0, rejected: 0, summary: null, tokensCount: 2 });
    const listed = await call(app, "GET", "/admin/api/accounts");
    expect(listed.text).not.toContain(jwt);
    expect(listed.text).not.toContain(rt);
    const [first, second] = (listed.body as { data: AccountView[] }).data;
    if (!first || !second) throw new Error("not listed");
    expect(second).toEqual({
      id: second.id,
      label: `${rt.slice(0, 6)}…${rt.slice(-4)}`,
      kind: "refresh",
      teamAccountId: "team-2",
      plan: null,
      status: "active",
      lastError: null,
      lastUsedAt: null,
      createdAt: second.createdAt,
      successCount: 0,
      failureCount: 0,
      accessTokenExpiresAt: null,
      hasRefreshToken: true,
      cooldowns: [],
      oauthClient: null,
      chatgptAccountId: null,
      hasCodex: null,
      hasWeb: null,
      quotaWindows: [],
    });
    const id = first.id;
    expect((await call(app, "POST", `/admin/api/accounts/${id}/disable`)).body).toMatchObject({ id, status: "disabled" });
    expect((await call(app, "POST", `/admin/api/accounts/${id}/enable`)).body).toMatchObject({ id, status: "active" });
    expect((await call(app, "DELETE", `/admin/api/accounts/${id}`)).body).toEqual({ deleted: true, id });
    expect((await call(app, "DELETE", `/admin/api/accounts/${id}`)).status).toBe(404);
    expect((await call(app, "POST", "/admin/api/accounts/nope/refresh")).status).toBe(404);
  });

  test("an added access token's plan and expiry are read from its JWT", async () => {
    const app = makeApp();
    const free = fakeJwt({ expMs: 1_900_000_000_000, plan: "free", tag: "free" });
    await call(app, "POST", "/admin/api/accounts", { json: { tokens: `${free}\nfk-sharetoken123` } });
    const listed = ((await call(app, "GET", "/admin/api/accounts")).body as { data: AccountView[] }).data;
    expect(listed.map((a) => [a.plan, a.accessTokenExpiresAt, a.hasRefreshToken])).toEqual([
      ["free", 1_900_000_000_000, false],
      [null, null, false],
    ]);
  });

  test("a Codex access token is added as a Codex account with its ChatGPT account id; its quota windows are shown", async () => {
    const app = makeApp();
    const codex = fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId: "acct-codex-1", plan: "pro" }, { expSec: 1_900_000_000 });
    await call(app, "POST", "/admin/api/accounts", { json: { tokens: codex } });
    const [account] = await store.listAccounts();
    await store.saveQuotaWindows(account?.id ?? "", [{ windowMinutes: 300, usedPercent: 25, resetsAt: 1_900_000_000_000 }], 77);
    const listed = ((await call(app, "GET", "/admin/api/accounts")).body as { data: AccountView[] }).data;
    expect(listed.map((a) => [a.kind, a.oauthClient, a.chatgptAccountId, a.plan, a.accessTokenExpiresAt, a.quotaWindows])).toEqual([
      ["codex-access", "codex", "acct-codex-1", "pro", 1_900_000_000_000, [{ windowMinutes: 300, usedPercent: 25, resetsAt: 1_900_000_000_000, updatedAt: 77 }]],
    ]);
  });

  test("a Codex account resting on its quota shows why and until when, in its view and among the cooldowns", async () => {
    const app = makeApp();
    const codex = fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId: "acct-codex-2", plan: "plus" }, { expSec: 1_900_000_000 });
    await call(app, "POST", "/admin/api/accounts", { json: { tokens: codex } });
    const [account] = await store.listAccounts();
    const id = account?.id ?? "";
    const until = Date.now() + 3_600_000;
    // what AccountPool.reportQuota writes for a spent window (pool/quota-scheduling.ts)
    await store.setCooldown({ subject: id, model: "codex:*", untilMs: until, reason: "quota" });
    const listed = await call(app, "GET", "/admin/api/accounts");
    expect([listed.status, (listed.body as { data: AccountView[] }).data[0]?.cooldowns]).toEqual([200, [{ model: "codex:*", untilMs: until, reason: "quota" }]]);
    const cooldowns = (await call(app, "GET", "/admin/api/cooldowns")).body as { data: CooldownView[] };
    expect(cooldowns.data.map(({ subject, model, reason, untilMs }) => ({ subject, model, reason, untilMs }))).toEqual([{ subject: id, model: "codex:*", reason: "quota", untilMs: until }]);
  });

  test("a refresh token already exchanged here (rotated away) is refused with a plain reason", async () => {
    const app = makeApp();
    await call(app, "POST", "/admin/api/accounts", { json: { tokens: rt } });
    const [account] = await store.listAccounts();
    expect(await store.commitRefresh(account?.id ?? "", rt, { refreshToken: "rt_successor_value_123" })).toBe(true);
    await store.removeAccount(account?.id ?? "");
    const again = await call(app, "POST", "/admin/api/accounts", { json: { tokens: rt } });
    expect(again.body).toEqual({
      added: 0,
      duplicates: 0,
      rejected: 1,
      summary: "1 refresh token was already used here and replaced by a newer one; sign in again instead",
      tokensCount: 0,
    });
  });

  test("cooldowns and recent requests are shown; a cooldown can be ended", async () => {
    const app = makeApp();
    await call(app, "POST", "/admin/api/accounts", { json: { tokens: jwt } });
    const [account] = await store.listAccounts();
    const id = account?.id ?? "";
    const until = Date.now() + 120_000;
    await store.setCooldown({ subject: id, model: "gpt-4o", untilMs: until, reason: "capped" });
    await store.logRequest({ at: 5, clientKey: "sk-abc…wxyz", accountId: id, model: "gpt-4o", promptTokens: 3, completionTokens: 4, status: 200, latencyMs: 50, ttftMs: 20 });
    const cooldowns = (await call(app, "GET", "/admin/api/cooldowns")).body as { data: CooldownView[] };
    expect(cooldowns.data.map((c): Omit<CooldownView, "secondsLeft"> & { secondsLeft: boolean } => ({ ...c, secondsLeft: c.secondsLeft > 100 }))).toEqual([
      { subject: id, label: `${jwt.slice(0, 6)}…${jwt.slice(-4)}`, model: "gpt-4o", untilMs: until, reason: "capped", secondsLeft: true },
    ]);
    expect(((await call(app, "GET", "/admin/api/accounts")).body as { data: Array<{ cooldowns: unknown }> }).data[0]?.cooldowns).toEqual([{ model: "gpt-4o", untilMs: until, reason: "capped" }]);
    expect((await call(app, "GET", "/admin/api/requests?limit=10")).body).toEqual({
      data: [
        {
          ...{ id: 1, at: 5, clientKey: "sk-abc…wxyz", accountId: id, model: "gpt-4o", promptTokens: 3, completionTokens: 4, status: 200, latencyMs: 50, ttftMs: 20 },
          ...{ requestId: null, keyName: null, accountLabel: `${jwt.slice(0, 6)}…${jwt.slice(-4)}`, engine: null, error: null, attempts: [] },
        },
      ],
      next: null,
    });
    expect((await call(app, "DELETE", `/admin/api/cooldowns/${id}`)).body).toEqual({ cleared: 1 });
    expect((await call(app, "GET", "/admin/api/cooldowns")).body).toEqual({ data: [] });
  });

  test("a body without tokens is a 400 naming the field", async () => {
    const result = await call(makeApp(), "POST", "/admin/api/accounts", { json: {} });
    expect(result.status).toBe(400);
    expect((result.body as { error: { param: string } }).error.param).toBe("tokens");
  });
});
