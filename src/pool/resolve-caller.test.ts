/** @module What each kind of bearer resolves to (upstream.md §8.1). */
import { expect, test } from "bun:test";
import { AuthenticationError, UpstreamFailureError } from "../errors.ts";
import { fakeJwt, fakeRefreshToken } from "../../test/pool/fixtures.ts";
import { OWN_REFRESH_SPENT, type OwnExchange } from "./refresher.ts";
import type { Caller, ResolveCallerInput } from "./resolve-caller.ts";
import { createCallerResolver, matchesAnyKey } from "./resolve-caller.ts";
import { apiErrorOf } from "../reply/api-error-of.ts";

const jwt = fakeJwt({ expMs: null, tag: "caller" });
const rt = fakeRefreshToken("caller");
const exchanged = fakeJwt({ expMs: null, tag: "exchanged" });
const mask = (s: string) => `${s.slice(0, 6)}…${s.slice(-4)}`;

function resolver(keys: string[], exchange: (rt: string) => OwnExchange = () => ({ type: "ok", accessToken: exchanged })) {
  return createCallerResolver({ config: { authorizationKeys: keys }, refresher: { exchange: async (token) => exchange(token) } });
}

test.each<[string, string[], ResolveCallerInput, Caller]>([
  ["no bearer, no AUTHORIZATION → anonymous", [], { bearer: null, teamAccountId: null }, { kind: "anonymous" }],
  ["a pool key → pool", ["sk-pool-1", "sk-pool-2"], { bearer: "sk-pool-2", teamAccountId: null }, { kind: "pool" }],
  ["a pool key with a workspace suffix is still the pool", ["sk-pool-1"], { bearer: "sk-pool-1,team-3", teamAccountId: null }, { kind: "pool" }],
  ["a JWT → own access token", ["sk-pool"], { bearer: jwt, teamAccountId: null }, { kind: "own", accessToken: jwt, teamAccountId: null, label: mask(jwt) }],
  ["JWT,account → own with workspace", [], { bearer: `${jwt},team-7`, teamAccountId: null }, { kind: "own", accessToken: jwt, teamAccountId: "team-7", label: mask(jwt) }],
  ["the header's account id wins over the suffix", [], { bearer: `${jwt},team-7`, teamAccountId: "team-h" }, { kind: "own", accessToken: jwt, teamAccountId: "team-h", label: mask(jwt) }],
  ["a refresh token → exchanged", [], { bearer: rt, teamAccountId: null }, { kind: "own", accessToken: exchanged, teamAccountId: null, label: mask(rt) }],
  ["a share token (fk-…) → own access token", ["sk-pool"], { bearer: "fk-gateway-token-xyz", teamAccountId: null }, { kind: "own", accessToken: "fk-gateway-token-xyz", teamAccountId: null, label: mask("fk-gateway-token-xyz") }],
  ["a placeholder API key with no AUTHORIZATION → anonymous (no-login mode)", [], { bearer: "sk-anything", teamAccountId: null }, { kind: "anonymous" }],
])("%s", async (_name, keys, input, expected) => {
  expect(await resolver(keys)(input)).toEqual(expected);
});

test("a key that is neither a pool key nor a ChatGPT token while AUTHORIZATION is set → 401 invalid_api_key", async () => {
  const error = await resolver(["sk-pool"])({ bearer: "sk-wrong", teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as AuthenticationError).code).toBe("invalid_api_key");
});

test("no bearer while AUTHORIZATION is set → 401, not anonymous", async () => {
  const error = await resolver(["sk-pool"])({ bearer: "  ", teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
  expect(error).toBeInstanceOf(AuthenticationError);
});

test("a revoked refresh token → 401 that names it masked and says what to do", async () => {
  const error = await resolver([], () => ({ type: "revoked", reason: "refresh token rejected (invalid_grant)" }))({ bearer: rt, teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as AuthenticationError).toJSON()).toEqual({
    error: {
      message: `The refresh token ${mask(rt)} was rejected by the OAuth server (refresh token rejected (invalid_grant)); sign in again for a new one.`,
      type: "invalid_request_error",
      param: null,
      code: "refresh_token_revoked",
    },
  });
});

test("a spent single-use refresh token → 401 refresh_token_spent that names it masked and says what to do", async () => {
  const error = await resolver([], () => ({ type: "spent", reason: OWN_REFRESH_SPENT }))({ bearer: rt, teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as AuthenticationError).toJSON()).toEqual({
    error: { message: `The refresh token ${mask(rt)} cannot be used again: ${OWN_REFRESH_SPENT}.`, type: "invalid_request_error", param: null, code: "refresh_token_spent" },
  });
});

test("an unreachable OAuth host → 502", async () => {
  const error = await resolver([], () => ({ type: "unavailable", reason: "OAuth host unreachable" }))({ bearer: rt, teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
  expect(error).toBeInstanceOf(UpstreamFailureError);
  expect((error as UpstreamFailureError).status).toBe(502);
});

test.each([
  ["key", ["a", "key"], true],
  ["ke", ["key"], false],
  ["key ", ["key"], false],
  ["", [], false],
])("matchesAnyKey(%p, %p) is %p", (candidate, keys, expected) => {
  expect(matchesAnyKey(candidate, keys)).toBe(expected);
});
