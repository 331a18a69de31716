/** @module PKCE: the S256 challenge, the authorize URL as Codex builds it, and reading a pasted redirect. */
import { expect, test } from "bun:test";
import { buildAuthorizeUrl, challengeOf, createPkcePair, createState, parsePastedRedirect } from "./pkce.ts";

test("the challenge is base64url(SHA-256(verifier)) (RFC 7636 appendix B)", async () => {
  expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
});

test("a new pair has an 86-character verifier and its challenge; pairs and states are never repeated", async () => {
  const [a, b] = await Promise.all([createPkcePair(), createPkcePair()]);
  expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{86}$/);
  expect(a.challenge).toBe(await challengeOf(a.verifier));
  expect(a.verifier).not.toBe(b.verifier);
  expect(createState()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(createState()).not.toBe(createState());
});

test("the authorize URL carries Codex's parameters in Codex's order, spaces as %20", () => {
  const url = buildAuthorizeUrl({ authBaseUrl: "https://auth.example/", challenge: "CH", state: "ST" });
  expect(url).toBe(
    "https://auth.example/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann" +
      "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback&scope=openid%20profile%20email%20offline_access" +
      "&code_challenge=CH&code_challenge_method=S256&id_token_add_organizations=true&codex_cli_simplified_flow=true&state=ST&originator=codex_cli_rs",
  );
});

test.each([
  ["the whole address", "http://localhost:1455/auth/callback?code=ac_1&scope=openid&state=s1", { type: "code", code: "ac_1", state: "s1" }],
  ["with spaces around", "  http://localhost:1455/auth/callback?state=s2&code=ac_2 \n", { type: "code", code: "ac_2", state: "s2" }],
  ["only the query", "?code=ac_3&state=s3", { type: "code", code: "ac_3", state: "s3" }],
  [
    "a refusal",
    "http://localhost:1455/auth/callback?error=access_denied&error_description=missing_codex_entitlement&state=s4",
    { type: "error", error: "access_denied", description: "missing_codex_entitlement", state: "s4" },
  ],
])("a pasted redirect: %s", (_name, pasted, expected) => {
  expect(parsePastedRedirect(pasted)).toEqual(expected as ReturnType<typeof parsePastedRedirect>);
});

test("a paste without code or state is invalid, and the reason never quotes it", () => {
  const noState = parsePastedRedirect("http://localhost:1455/auth/callback?code=ac_secret_code");
  expect(noState.type).toBe("invalid");
  expect(JSON.stringify(noState)).not.toContain("ac_secret_code");
  expect(parsePastedRedirect("http://localhost:1455/auth/callback").type).toBe("invalid");
  expect(parsePastedRedirect("https://[bad").type).toBe("invalid");
});
