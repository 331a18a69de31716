/**
 * @module Codex accounts in the pool end to end: a pool key asking for a Codex model is served by a Codex account;
 * an account whose quota is spent is skipped for another; when every one is spent the caller gets a 429 whose
 * Retry-After is the soonest reset, and nothing is sent upstream. The emulator's log says which account answered.
 */
import { describe, expect, test } from "bun:test";
import type { PoolHarness } from "./pool-harness.ts";
import { POOL_KEY, startPoolHarness } from "./pool-harness.ts";

async function addTokens(h: PoolHarness, tokens: string[]): Promise<void> {
  const response = await h.admin("POST", "/accounts", { tokens: tokens.join("\n") });
  expect(response.status).toBe(200);
}

function codexAnswers(h: PoolHarness, from = 0): string[] {
  return h.emulator.log
    .slice(from)
    .filter((e) => e.path === "/backend-api/codex/responses")
    .map((e) => `${e.account}:${e.status}`);
}

function chatCodex(h: PoolHarness): Promise<Response> {
  return fetch(`${h.server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${POOL_KEY}` },
    body: JSON.stringify({ model: "gpt-5.5", messages: [{ role: "user", content: "hello pool" }] }),
  });
}

describe("Codex accounts in the pool", () => {
  test("a spent account is skipped for another, then every spent one is a 429 with the soonest reset and no upstream call", async () => {
    await using h = await startPoolHarness();
    const first = h.emulator.addCodexAccount({ plan: "plus" });
    const second = h.emulator.addCodexAccount({ plan: "plus" });
    // a web account is in the pool too: a Codex model must never be sent with it
    const web = h.emulator.addAccount({ plan: "plus" });
    await addTokens(h, [first.accessToken, second.accessToken, web.accessToken]);

    const served = await chatCodex(h);
    expect(served.status).toBe(200);
    const [firstServed] = codexAnswers(h);
    const usedAccount = firstServed?.split(":")[0];
    expect([first.id, second.id]).toContain(usedAccount ?? "");

    // the account not used yet looks the roomiest (nothing spent that chat2api knows of), but its weekly window is
    // spent: its 429 rests it, and the same request is answered by the first one
    const other = usedAccount === first.id ? second.id : first.id;
    h.emulator.codex.exhaust(other, 10080);
    const before = codexAnswers(h).length;
    expect((await chatCodex(h)).status).toBe(200);
    expect(codexAnswers(h).slice(before)).toEqual([`${other}:429`, `${usedAccount}:200`]);

    // both spent: the first one's 429 rests it too, and the caller hears a 429 with the soonest reset
    h.emulator.codex.exhaust(usedAccount ?? "", 10080);
    const spent = await chatCodex(h);
    expect(spent.status).toBe(429);
    const resets = [first.id, second.id].map((id) => h.emulator.codex.quota(id).find((w) => w.windowMinutes === 10080)?.resetAt ?? 0);
    const soonest = Math.min(...resets) - Date.now() / 1000;
    const retryAfter = Number(spent.headers.get("retry-after"));
    expect(Math.abs(retryAfter - soonest)).toBeLessThanOrEqual(5);

    // and from now on without asking upstream at all
    const quiet = codexAnswers(h).length;
    const again = await chatCodex(h);
    expect(again.status).toBe(429);
    expect(((await again.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
    expect(codexAnswers(h).length).toBe(quiet);
    // the web account was never used for a Codex model
    expect(h.emulator.log.filter((e) => e.path === "/backend-api/codex/responses" && e.account === web.id)).toEqual([]);
  }, 30_000);
});

describe("a Codex account known by its refresh token", () => {
  test("100 concurrent requests make exactly one refresh; across restarts the rotated token is kept and the spent one never resent", async () => {
    await using h = await startPoolHarness();
    // room for every request of the test in its windows (100 a window by default)
    const account = h.emulator.addCodexAccount({ plan: "plus", limit: 1000 });
    await addTokens(h, [account.refreshToken]);
    // a restart between adding and using: nothing of the account is lost
    await h.restart();
    const responses = await Promise.all(Array.from({ length: 100 }, () => chatCodex(h)));
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(h.emulator.codex.stats().refreshes).toBe(1);

    // after another restart the stored access token serves without a refresh
    await h.restart();
    expect((await chatCodex(h)).status).toBe(200);
    expect(h.emulator.codex.stats().refreshes).toBe(1);

    // a forced refresh sends the rotated refresh token: the emulator counts no reuse of a spent one
    const [row] = ((await (await h.admin("GET", "/accounts")).json()) as { data: Array<{ id: string }> }).data;
    expect((await h.admin("POST", `/accounts/${row?.id}/refresh`)).status).toBe(200);
    expect(h.emulator.codex.stats().refreshes).toBe(2);
    expect(h.emulator.codex.stats().refreshReused).toBe(0);
    expect((await chatCodex(h)).status).toBe(200);
    // no token of the account in anything chat2api logged
    expect(h.logs.filter((line) => line.includes(account.refreshToken) || line.includes(account.accessToken))).toEqual([]);
  }, 60_000);
});

describe("a Codex sign-in in the pool and web models", () => {
  test("the web backend refusing it leaves it active for Codex (hasWeb false), web chats go to the web account", async () => {
    await using h = await startPoolHarness();
    const codex = h.emulator.addCodexAccount({ plan: "plus" });
    const web = h.emulator.addAccount({ plan: "plus" });
    await addTokens(h, [codex.accessToken, web.accessToken]);
    // round robin over two accounts: one of the two chats tries the Codex sign-in on the web backend
    for (let i = 0; i < 2; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    type View = { kind: string; status: string; hasWeb: boolean | null; lastError: string | null };
    const views = ((await (await h.admin("GET", "/accounts")).json()) as { data: View[] }).data;
    const codexView = views.find((view) => view.kind === "codex-access");
    expect([codexView?.status, codexView?.hasWeb]).toEqual(["active", false]);
    expect(codexView?.lastError).toContain("serves the Codex engine only");
    // it is not tried for web again, and it still answers Codex models
    const before = h.emulator.log.length;
    for (let i = 0; i < 3; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    expect(h.emulator.log.slice(before).filter((e) => /\/conversation$/.test(e.path)).map((e) => e.account)).toEqual([web.id, web.id, web.id]);
    expect((await chatCodex(h)).status).toBe(200);
    expect(codexAnswers(h).at(-1)).toBe(`${codex.id}:200`);
  }, 30_000);
});
