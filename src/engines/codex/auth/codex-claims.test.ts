/** @module Claims of Codex tokens: client, account id, plan, expiry, email; and what is not a Codex token. */
import { expect, test } from "bun:test";
import { fakeCodexJwt, FAKE_CODEX_CLIENT, FAKE_WEB_CLIENT } from "../../../../test/support/fake-codex-oauth.ts";
import { fakeJwt } from "../../../../test/pool/fixtures.ts";
import { isCodexAccessToken, readCodexClaims } from "./codex-claims.ts";

test("a Codex access token names its client, ChatGPT account, plan, expiry and email", () => {
  const token = fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId: "acct-1", plan: "pro" }, { expSec: 1_800_000_000 });
  expect(readCodexClaims(token)).toEqual({ clientId: FAKE_CODEX_CLIENT, chatgptAccountId: "acct-1", planType: "pro", expiresAtMs: 1_800_000_000_000, email: "acct-1@example.test" });
  expect(isCodexAccessToken(token)).toBe(true);
});

test("an id_token names its client in aud; a web token, a token without client and garbage are not Codex tokens", () => {
  const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: [FAKE_CODEX_CLIENT], email: "a@b.c" })).toString("base64url")}.sig`;
  expect(readCodexClaims(idToken)).toMatchObject({ clientId: FAKE_CODEX_CLIENT, email: "a@b.c", chatgptAccountId: null });
  expect(isCodexAccessToken(fakeCodexJwt({ clientId: FAKE_WEB_CLIENT, accountId: "a", plan: "plus" }))).toBe(false);
  expect(isCodexAccessToken(fakeJwt({ expMs: 2_000_000_000_000, plan: "plus" }))).toBe(false);
  expect(readCodexClaims("not-a-jwt")).toEqual({ clientId: null, chatgptAccountId: null, planType: null, expiresAtMs: null, email: null });
});
