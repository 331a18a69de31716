import { expect, test } from "bun:test";
import { IdentityCache } from "./identity-cache.ts";
import { createIdentity } from "./identity.ts";

const options = { userAgents: [], proxyUrls: ["http://user-{}@proxy.test:8080"] };

test("a credential's identity is made once and is the one its derivation gives", () => {
  const cache = new IdentityCache(options);
  const first = cache.of({ accessToken: "token-a", teamAccountId: null });
  expect(cache.of({ accessToken: "token-a", teamAccountId: null })).toBe(first);
  expect(first).toEqual(createIdentity({ accessToken: "token-a", teamAccountId: null }, options));
  expect(Object.isFrozen(first)).toBe(true);
});

test("the token, the workspace and the account each make their own identity", () => {
  const cache = new IdentityCache(options);
  const own = cache.of({ accessToken: "token-a", teamAccountId: null });
  const team = cache.of({ accessToken: "token-a", teamAccountId: "ws-1" });
  const account = cache.of({ accessToken: "token-a", teamAccountId: null, stickyKey: "acc-1" });
  expect(new Set([own, team, account]).size).toBe(3);
  expect(team.teamAccountId).toBe("ws-1");
  // an account's refreshed token keeps its device: the id follows the account
  const refreshed = cache.of({ accessToken: "token-b", teamAccountId: null, stickyKey: "acc-1" });
  expect(refreshed).not.toBe(account);
  expect([refreshed.accessToken, refreshed.deviceId, refreshed.userAgent]).toEqual(["token-b", account.deviceId, account.userAgent]);
});

test("no-login identities are never kept: each request is a new browser", () => {
  const cache = new IdentityCache(options);
  const a = cache.of({ accessToken: null, teamAccountId: null });
  const b = cache.of({ accessToken: null, teamAccountId: null });
  expect(a).not.toBe(b);
  expect(a.deviceId).not.toBe(b.deviceId);
});

test("the cache is bounded: the least recently used credential is derived again", () => {
  const cache = new IdentityCache(options, 2);
  const a = cache.of({ accessToken: "token-a", teamAccountId: null });
  const b = cache.of({ accessToken: "token-b", teamAccountId: null });
  expect(cache.of({ accessToken: "token-a", teamAccountId: null })).toBe(a);
  cache.of({ accessToken: "token-c", teamAccountId: null });
  // b was the least recently used
  expect(cache.of({ accessToken: "token-a", teamAccountId: null })).toBe(a);
  const bAgain = cache.of({ accessToken: "token-b", teamAccountId: null });
  expect(bAgain).not.toBe(b);
  expect(bAgain).toEqual(b);
});
