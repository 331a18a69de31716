/**
 * @module chatgpt.com session tokens end to end (web-2026.md §8.1) against the emulator's /api/auth/session: as the
 * API key (whole or chunked; exchanged once; a dead or revoked session a 401 session_token_invalid) and as a pool
 * line (the rotated cookie is what the store holds afterwards; a dead session fails the account with its reason).
 * No session token, first or rotated, ever reaches chat2api's logs.
 */
import { describe, expect, test } from "bun:test";
import type { Emulator } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";

const POOL_KEY = "sk-session-pool-0123456789";
const ADMIN_KEY = "admin-session-0123456789";
const COOKIE = "__Secure-next-auth.session-token";
const chat = (content = "hi session") => ({ model: "auto", messages: [{ role: "user" as const, content }] });
const mask = (token: string) => `${token.slice(0, 6)}…${token.slice(-4)}`;

/** chat2api's calls of /api/auth/session (it sends a browser's user agent; this test's own probes do not). */
function exchanges(emulator: Emulator): number {
  return emulator.log.filter((entry) => entry.path === "/api/auth/session" && entry.headers["user-agent"]?.startsWith("Mozilla/")).length;
}

function writes(emulator: Emulator): Array<[string, number]> {
  return emulator.log.filter((entry) => /\/(f\/)?conversation$/.test(entry.path)).map((entry) => [entry.account, entry.status]);
}

async function errorOf(response: Response): Promise<[number, string, string]> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return [response.status, body.error.code, body.error.message];
}

function admin(h: Harness, method: string, path: string, body?: unknown): Promise<Response> {
  return h.fetch(`/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Whether /api/auth/session still answers the token with an access token (asked without rotating, so asking spends nothing). */
async function isLive(emulator: Emulator, token: string): Promise<boolean> {
  const rotating = emulator.rotateSessionTokens;
  emulator.rotateSessionTokens = false;
  try {
    const response = await fetch(`${emulator.url}/api/auth/session`, { headers: { cookie: `${COOKIE}=${token}` } });
    return typeof ((await response.json()) as { accessToken?: unknown }).accessToken === "string";
  } finally {
    emulator.rotateSessionTokens = rotating;
  }
}

function leaked(h: Harness, secrets: string[]): string[] {
  return secrets.filter((secret) => h.logs.some((line) => line.includes(secret)));
}

describe.each(["2024", "2026"] as const)("a session token as the API key (%s upstream)", (webGeneration) => {
  test("whole or as .0|.1 chunks: answered; one exchange serves many requests", async () => {
    await using h = await startHarness({ emulator: { webGeneration } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const long = h.emulator.issueSessionToken(account.id, { long: true });
    for (const key of [account.sessionToken, account.sessionToken, `${long.slice(0, 3936)}|${long.slice(3936)}`]) {
      const completion = await h.client(key).chat.completions.create(chat());
      expect(completion.choices[0]?.message.content).toBe("You said: hi session");
    }
    expect([exchanges(h.emulator), writes(h.emulator)]).toEqual([2, Array.from({ length: 3 }, () => [account.id, 200])]);
    expect(leaked(h, [account.sessionToken, long, long.slice(3936)])).toEqual([]);
  });
});

describe("a session token as the API key: refusals", () => {
  test("an ended session ({} from /api/auth/session) → 401 session_token_invalid naming it masked; nothing written", async () => {
    await using h = await startHarness();
    const account = h.emulator.addAccount();
    h.emulator.endSession(account.sessionToken);
    const [status, code, message] = await errorOf(await h.fetch("/v1/chat/completions", post(chat(), account.sessionToken)));
    expect([status, code, message.includes(mask(account.sessionToken)), message.includes("Sign in to chatgpt.com again"), message.includes(account.sessionToken)]).toEqual([
      401,
      "session_token_invalid",
      true,
      true,
      false,
    ]);
    // remembered: asking again sends nothing
    await h.fetch("/v1/chat/completions", post(chat(), account.sessionToken));
    expect([exchanges(h.emulator), writes(h.emulator)]).toEqual([1, []]);
  });

  test("a revoked session (same access token, /backend-api/me 401) → 401 session_token_invalid saying it was revoked", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount();
    h.emulator.revokeSession(account.id);
    const [status, code, message] = await errorOf(await h.fetch("/v1/chat/completions", post(chat(), account.sessionToken)));
    expect([status, code, message.includes("revoked")]).toEqual([401, "session_token_invalid", true]);
    expect(h.emulator.log.map((entry) => `${entry.path} ${entry.status}`)).toEqual(["/api/auth/session 200", "/backend-api/me 401"]);
  });
});

describe("a session token as a pool line", () => {
  const env = { AUTHORIZATION: POOL_KEY, ADMIN_KEY };

  test("uploaded as Cookie pairs, exchanged when first needed; each rotation is what the store holds afterwards", async () => {
    await using h = await startHarness({ env });
    const account = h.emulator.addAccount({ plan: "plus" });
    const long = h.emulator.issueSessionToken(account.id, { long: true });
    h.emulator.endSession(account.sessionToken);
    h.emulator.rotateSessionTokens = true;
    const upload = await admin(h, "POST", "/accounts", { tokens: `${COOKIE}.0=${long.slice(0, 3936)}; ${COOKIE}.1=${long.slice(3936)}\n${long}` });
    expect(await upload.json()).toMatchObject({ added: 1, duplicates: 1, rejected: 0 });
    const [view] = ((await (await admin(h, "GET", "/accounts")).json()) as { data: Array<{ id: string; kind: string; label: string }> }).data;
    expect([view?.kind, view?.label]).toEqual(["session", mask(long)]);

    expect((await h.fetch("/v1/chat/completions", post(chat(), POOL_KEY))).status).toBe(200);
    const stored = await h.server.runtime.store.getAccount(view?.id ?? "");
    const rotated = stored?.refreshToken ?? "";
    expect([stored?.kind, stored?.credential === long, rotated !== long, await isLive(h.emulator, rotated), await h.server.runtime.store.isRefreshTokenUsed(long)]).toEqual([
      "session",
      true,
      true,
      true,
      true,
    ]);

    // a forced refresh sends the rotated cookie (the first is spent upstream) and stores the next one
    expect(await (await admin(h, "POST", `/accounts/${view?.id}/refresh`)).json()).toEqual({ type: "refreshed" });
    const next = (await h.server.runtime.store.getAccount(view?.id ?? ""))?.refreshToken ?? "";
    expect([next !== rotated, await isLive(h.emulator, next), await isLive(h.emulator, rotated)]).toEqual([true, true, false]);
    expect((await h.fetch("/v1/chat/completions", post(chat("again"), POOL_KEY))).status).toBe(200);
    expect([exchanges(h.emulator), writes(h.emulator)]).toEqual([2, [[account.id, 200], [account.id, 200]]]);
    // the spent first token, pasted again, is refused before anything is sent (a replay could end the session)
    const again = await admin(h, "POST", "/accounts", { tokens: long });
    expect(await again.json()).toMatchObject({ added: 0, rejected: 1 });
    expect(exchanges(h.emulator)).toBe(2);
    expect(leaked(h, [long, long.slice(3936), rotated, next])).toEqual([]);
  });

  test("a dead session fails the account with a clear reason, and the pool says it has no usable account", async () => {
    await using h = await startHarness({ env });
    const account = h.emulator.addAccount();
    h.emulator.endSession(account.sessionToken);
    await admin(h, "POST", "/accounts", { tokens: account.sessionToken });
    const [status, code] = await errorOf(await h.fetch("/v1/chat/completions", post(chat(), POOL_KEY)));
    const [view] = ((await (await admin(h, "GET", "/accounts")).json()) as { data: Array<{ status: string; lastError: string }> }).data;
    expect([status, code, view?.status, view?.lastError.includes("/api/auth/session without an access token")]).toEqual([503, "pool_unavailable", "failed", true]);
    expect(writes(h.emulator)).toEqual([]);
  });

  test("a revoked session (2026: /me refuses the access token the exchange still gives) fails the account as revoked", async () => {
    await using h = await startHarness({ env, emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount();
    h.emulator.revokeSession(account.id);
    await admin(h, "POST", "/accounts", { tokens: account.sessionToken });
    const [status] = await errorOf(await h.fetch("/v1/chat/completions", post(chat(), POOL_KEY)));
    const [view] = ((await (await admin(h, "GET", "/accounts")).json()) as { data: Array<{ status: string; lastError: string }> }).data;
    expect([status, view?.status, view?.lastError.includes("revoked")]).toEqual([503, "failed", true]);
  });
});
