/** @module The browser sign-in end to end against a fake auth host: authorize, paste the redirect, exchange once. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { type FakeCodexOAuth, startFakeCodexOAuth } from "../../../../test/support/fake-codex-oauth.ts";
import { readCodexClaims } from "./codex-claims.ts";
import { exchangeAuthorizationCode } from "./exchange-code.ts";
import { CODEX_REDIRECT_URI } from "./oauth-clients.ts";
import { buildAuthorizeUrl, createPkcePair, createState, parsePastedRedirect } from "./pkce.ts";

let auth: FakeCodexOAuth;
beforeEach(() => {
  auth = startFakeCodexOAuth();
});
afterEach(() => auth.stop());

/** The user signs in: the auth host redirects to localhost:1455, whose address the user pastes back. */
async function signIn(challenge: string, state: string): Promise<string> {
  const response = await fetch(buildAuthorizeUrl({ authBaseUrl: auth.url, challenge, state }), { redirect: "manual" });
  expect(response.status).toBe(302);
  return response.headers.get("location") ?? "";
}

test("the code from the pasted redirect and the verifier give tokens of the signed-in account; the code works once", async () => {
  const pkce = await createPkcePair();
  const state = createState();
  const pasted = parsePastedRedirect(await signIn(pkce.challenge, state));
  if (pasted.type !== "code") throw new Error(`expected a code, got ${pasted.type}`);
  expect(pasted.state).toBe(state);
  const input = { code: pasted.code, codeVerifier: pkce.verifier, redirectUri: CODEX_REDIRECT_URI };
  const result = await exchangeAuthorizationCode(input, { authBaseUrl: auth.url });
  if (result.type !== "ok") throw new Error(`expected tokens, got ${JSON.stringify(result)}`);
  expect(readCodexClaims(result.tokens.accessToken)).toMatchObject({ clientId: "app_EMoamEEZ73f0CkXaXp7hrann", planType: "plus" });
  expect(result.tokens.refreshToken).toStartWith("rt_");
  expect(await exchangeAuthorizationCode(input, { authBaseUrl: auth.url })).toMatchObject({ type: "refused", code: "invalid_grant" });
});

test("another verifier than the one the challenge came from is refused", async () => {
  const pkce = await createPkcePair();
  const other = await createPkcePair();
  const pasted = parsePastedRedirect(await signIn(pkce.challenge, createState()));
  if (pasted.type !== "code") throw new Error("expected a code");
  const result = await exchangeAuthorizationCode({ code: pasted.code, codeVerifier: other.verifier, redirectUri: CODEX_REDIRECT_URI }, { authBaseUrl: auth.url });
  expect(result).toMatchObject({ type: "refused", status: 400, code: "invalid_grant" });
  expect(auth.counts.codeExchanges).toBe(0);
});
