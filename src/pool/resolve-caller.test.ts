/** @module What each kind of bearer resolves to (upstream.md §8.1). */
import { describe, expect, test } from "bun:test";
import { AuthenticationError, UpstreamFailureError } from "../errors.ts";
import { fakeJwt, fakeRefreshToken } from "../../test/pool/fixtures.ts";
import { OWN_REFRESH_SPENT, type OwnExchange } from "./refresher.ts";
import type { OwnSessionExchange } from "./session-refresh.ts";
import { fakeSessionToken } from "../../test/support/fake-session-token.ts";
import { RateLimitError } from "../errors.ts";
import type { Caller, ResolveCallerInput } from "./resolve-caller.ts";
import { createCallerResolver, matchesAnyKey } from "./resolve-caller.ts";
import { apiErrorOf } from "../reply/api-error-of.ts";

const jwt = fakeJwt({ expMs: null, tag: "caller" });
const rt = fakeRefreshToken("caller");
const exchanged = fakeJwt({ expMs: null, tag: "exchanged" });
const mask = (s: string) => `${s.slice(0, 6)}…${s.slice(-4)}`;

const session = fakeSessionToken("caller", 5000);
const sessionCalls: Array<{ token: string; teamAccountId: string | null | undefined }> = [];

function resolver(
  keys: string[],
  exchange: (rt: string) => OwnExchange = () => ({ type: "ok", accessToken: exchanged }),
  exchangeSession: (token: string) => OwnSessionExchange = () => ({ type: "ok", accessToken: exchanged }),
) {
  return createCallerResolver({
    config: { authorizationKeys: keys },
    refresher: {
      exchange: async (token) => exchange(token),
      exchangeSession: async (token, options) => {
        sessionCalls.push({ token, teamAccountId: options?.teamAccountId });
        return exchangeSession(token);
      },
    },
  });
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

describe("a chatgpt.com session token as the API key (web-2026.md §8.1)", () => {
  test.each([
    ["whole", session, null],
    ["in chunks joined by |", `${session.slice(0, 3936)}|${session.slice(3936)}`, null],
    ["with a workspace", `${session},team-7`, "team-7"],
  ])("%s → exchanged whole, an own caller labelled masked", async (_name, bearer, team) => {
    sessionCalls.length = 0;
    expect(await resolver(["sk-pool"])({ bearer, teamAccountId: null })).toEqual({ kind: "own", accessToken: exchanged, teamAccountId: team, label: mask(session) });
    expect(sessionCalls).toEqual([{ token: session, teamAccountId: team }]);
  });

  test("a dead session → 401 session_token_invalid naming it masked, never whole", async () => {
    const error = await resolver([], undefined, () => ({ type: "dead", reason: "the session has ended" }))({ bearer: session, teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
    expect(error).toBeInstanceOf(AuthenticationError);
    const body = (error as AuthenticationError).toJSON();
    expect([body.error.code, body.error.message]).toEqual(["session_token_invalid", `The session token ${mask(session)} no longer works: the session has ended.`]);
  });

  test("an exchange that cannot be made → 502; over budget → 429", async () => {
    const down = await resolver([], undefined, () => ({ type: "unavailable", reason: "HTTP 503" }))({ bearer: session, teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
    const throttled = await resolver([], undefined, () => ({ type: "throttled", retryAfterSec: 9 }))({ bearer: session, teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
    expect([(down as UpstreamFailureError).status, (down as UpstreamFailureError).code, throttled instanceof RateLimitError]).toEqual([502, "session_exchange_failed", true]);
  });

  test("only one chunk of a session token → 401 saying to paste every chunk, with no exchange", async () => {
    sessionCalls.length = 0;
    const error = await resolver([])({ bearer: session.slice(0, 3936), teamAccountId: null }).catch((e: unknown) => apiErrorOf(e));
    expect([error instanceof AuthenticationError, (error as AuthenticationError).message.includes("every chunk"), sessionCalls.length]).toEqual([true, true, 0]);
  });
});

test("ADMIN_KEY is the operator's own session on the pool, with or without AUTHORIZATION keys; other keys are unchanged", async () => {
  const refresher = { exchange: async () => ({ type: "ok" as const, accessToken: exchanged }), exchangeSession: async () => ({ type: "ok" as const, accessToken: exchanged }) };
  const open = createCallerResolver({ config: { authorizationKeys: [], adminKey: "admin-secret-1" }, refresher });
  const closed = createCallerResolver({ config: { authorizationKeys: ["sk-pool"], adminKey: "admin-secret-1" }, refresher });
  expect(await open({ bearer: "admin-secret-1", teamAccountId: null })).toEqual({ kind: "pool" });
  expect(await closed({ bearer: "admin-secret-1", teamAccountId: null })).toEqual({ kind: "pool" });
  // without ADMIN_KEY's value it is any other word: no-login when the server is open, a wrong key when it is not
  expect(await open({ bearer: "admin-secret-2", teamAccountId: null })).toEqual({ kind: "anonymous" });
  expect(apiErrorOf(await closed({ bearer: "admin-secret-2", teamAccountId: null }).catch((e: unknown) => e))).toBeInstanceOf(AuthenticationError);
});

test("the client's address is asked for only by an exchange, which is budgeted by it", async () => {
  const seen: Array<string | null | undefined> = [];
  const resolve = createCallerResolver({
    config: { authorizationKeys: ["sk-pool"] },
    refresher: {
      exchange: async (_token, options) => {
        seen.push(options?.clientAddress);
        return { type: "ok", accessToken: exchanged };
      },
      exchangeSession: async (_token, options) => {
        seen.push(options?.clientAddress);
        return { type: "ok", accessToken: exchanged };
      },
    },
  });
  let asked = 0;
  const clientAddress = () => {
    asked++;
    return "203.0.113.9";
  };
  await resolve({ bearer: "sk-pool", teamAccountId: null, clientAddress });
  await resolve({ bearer: jwt, teamAccountId: null, clientAddress });
  expect(asked).toBe(0);
  await resolve({ bearer: rt, teamAccountId: null, clientAddress });
  await resolve({ bearer: session, teamAccountId: null, clientAddress });
  expect(asked).toBe(2);
  expect(seen).toEqual(["203.0.113.9", "203.0.113.9"]);
});
