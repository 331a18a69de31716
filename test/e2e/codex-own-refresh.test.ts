/**
 * @module A caller's own Codex refresh token as the API key, end to end against the strict emulator: chat2api finds
 * its OAuth client (the web clients refuse it, Codex takes it), exchanges it once, and serves a Codex model with the
 * access token. Codex refresh tokens are single-use and rotate, and the caller keeps theirs: the access token serves
 * until it expires, after which the spent token is refused with a plain reason and never sent again.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { CodexAccount } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

const ask = (apiKey: string, text: string) => h.fetch("/v1/chat/completions", post({ model: "gpt-5.5", messages: [{ role: "user", content: text }] }, apiKey));
const tokenCalls = () => h.emulator.log.filter((entry) => entry.path === "/oauth/token");
const clientIdOf = (entry: { body?: unknown }) => (entry.body as { client_id?: string } | undefined)?.client_id;

function expectNoSecrets(account: CodexAccount): void {
  for (const secret of [account.refreshToken, account.accessToken]) expect(h.logs.filter((line) => line.includes(secret))).toEqual([]);
}

test("a Codex refresh token as the API key: one exchange (the web clients first, then Codex), then the cached access token", async () => {
  const account = h.emulator.addCodexAccount({ plan: "plus" });
  const before = tokenCalls().length;
  const refreshesBefore = h.emulator.codex.stats().refreshes;
  for (const text of ["first", "second", "third"]) {
    const response = await ask(account.refreshToken, text);
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]?.message.content).toBe(`You said: ${text}`);
  }
  const calls = tokenCalls().slice(before);
  expect(calls.map((entry) => [clientIdOf(entry), entry.status])).toEqual([
    ["pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", 400],
    ["app_LlGpXReQgckcGGUo2JrYvtJK", 400],
    ["app_EMoamEEZ73f0CkXaXp7hrann", 200],
  ]);
  expect(h.emulator.codex.stats().refreshes - refreshesBefore).toBe(1);
  // the Codex responses went out with a Codex access token of this account
  expect(h.emulator.log.filter((entry) => entry.path === "/backend-api/codex/responses").slice(-3).map((entry) => [entry.account, entry.status])).toEqual([
    [account.id, 200],
    [account.id, 200],
    [account.id, 200],
  ]);
  expectNoSecrets(account);
}, 15_000);

test("once its access token has expired, the spent refresh token is refused with a clear 401 and never resent", async () => {
  // an access token shorter-lived than the margin chat2api keeps before expiry: the first answer uses it, no later one can
  const account = h.emulator.addCodexAccount({ plan: "plus", accessTokenExpiresInSec: 30 });
  const stats = () => h.emulator.codex.stats();
  const refreshesBefore = stats().refreshes;
  const reusedBefore = stats().refreshReused;
  const first = await ask(account.refreshToken, "only once");
  expect(first.status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const refused = await ask(account.refreshToken, "again");
    expect(refused.status).toBe(401);
    const { error } = (await refused.json()) as { error: { message: string; type: string; code: string } };
    expect([error.type, error.code]).toEqual(["invalid_request_error", "refresh_token_spent"]);
    expect(error.message).toContain("single-use and was already exchanged here");
    expect(error.message).not.toContain(account.refreshToken);
  }
  expect([stats().refreshes - refreshesBefore, stats().refreshReused - reusedBefore]).toEqual([1, 0]);
  expectNoSecrets(account);
}, 15_000);

test("a Codex refresh token another program already used is refused as reused, once", async () => {
  const account = h.emulator.addCodexAccount({ plan: "plus" });
  // the caller's Codex CLI refreshed first: the token the caller now sends is spent upstream
  const rotated = await fetch(`${h.emulator.url}/oauth/token`, post({ grant_type: "refresh_token", client_id: "app_EMoamEEZ73f0CkXaXp7hrann", refresh_token: account.refreshToken }));
  expect(rotated.status).toBe(200);
  const reusedBefore = h.emulator.codex.stats().refreshReused;
  for (let i = 0; i < 2; i++) {
    const refused = await ask(account.refreshToken, "late");
    expect(refused.status).toBe(401);
    const { error } = (await refused.json()) as { error: { message: string; code: string } };
    expect([error.code, error.message.includes("refresh_token_reused")]).toEqual(["refresh_token_revoked", true]);
  }
  expect(h.emulator.codex.stats().refreshReused - reusedBefore).toBe(1);
  expectNoSecrets(account);
}, 15_000);
