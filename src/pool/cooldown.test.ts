/** @module The cooldown policy and the failover predicate as tables. */
import { expect, test } from "bun:test";
import type { AttemptOutcome } from "./attempt-outcome.ts";
import { shouldFailover } from "./attempt-outcome.ts";
import type { AccountFacts, AccountTransition } from "./cooldown.ts";
import { nextAccountState } from "./cooldown.ts";

const NOW = 1_000_000;
const plain: AccountFacts = { canRefresh: false, refreshedAt: null };
const refreshable: AccountFacts = { canRefresh: true, refreshedAt: NOW - 3_600_000 };
const none: AccountTransition = { counted: "failure", cooldown: null, refresh: false, fail: null, lastError: undefined };

test.each<[string, AccountFacts, AttemptOutcome, AccountTransition]>([
  ["success clears the last error", plain, { type: "success", model: "gpt-4o", promptTokens: 1, completionTokens: 2, latencyMs: 3, ttftMs: 1 }, { ...none, counted: "success", lastError: null }],
  ["client error does not count against the account", plain, { type: "client-error", status: 400 }, { ...none, counted: null }],
  ["401 with a refresh token → refresh", refreshable, { type: "unauthorized" }, { ...none, refresh: true, lastError: "upstream answered 401; refreshing" }],
  ["401 without a refresh token → failed", plain, { type: "unauthorized" }, { ...none, fail: "upstream rejected the access token (401)", lastError: "upstream rejected the access token (401)" }],
  ["401 again within minutes of a refresh → failed, no refresh loop", { canRefresh: true, refreshedAt: NOW - 60_000 }, { type: "unauthorized" }, { ...none, fail: "upstream rejected a freshly refreshed access token (401)", lastError: "upstream rejected a freshly refreshed access token (401)" }],
  ["403 block → the whole account rests 60 s", plain, { type: "blocked", reason: "cloudflare" }, { ...none, cooldown: { model: "*", untilMs: NOW + 60_000, reason: "blocked" }, lastError: "blocked: cloudflare" }],
  ["429 clears_in 252 → that model rests 252 s", plain, { type: "capped", model: "gpt-4o", clearsInSec: 252 }, { ...none, cooldown: { model: "gpt-4o", untilMs: NOW + 252_000, reason: "capped" }, lastError: "usage cap for gpt-4o; clears in 252s" }],
  ["429 clears_in 0 → rests at least 1 s", plain, { type: "capped", model: "o3", clearsInSec: 0 }, { ...none, cooldown: { model: "o3", untilMs: NOW + 1000, reason: "capped" }, lastError: "usage cap for o3; clears in 1s" }],
  ["5xx counts a failure, no rest", plain, { type: "server-error", status: 502 }, { ...none, lastError: "upstream error 502" }],
])("%s", (_name, facts, outcome, expected) => {
  expect(nextAccountState(facts, outcome, NOW)).toEqual(expected);
});

test.each<[AttemptOutcome["type"], AttemptOutcome, boolean]>([
  ["success", { type: "success", model: "m", promptTokens: 0, completionTokens: 0, latencyMs: 0, ttftMs: null }, false],
  ["client-error", { type: "client-error", status: 400 }, false],
  ["unauthorized", { type: "unauthorized" }, true],
  ["blocked", { type: "blocked", reason: "x" }, true],
  ["capped", { type: "capped", model: "m", clearsInSec: 5 }, true],
  ["server-error", { type: "server-error", status: 503 }, true],
])("shouldFailover(%s) is %p", (_type, outcome, expected) => {
  expect(shouldFailover(outcome)).toBe(expected);
});
