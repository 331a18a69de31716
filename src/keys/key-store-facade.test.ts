/**
 * @module The limiter through its facade over an in-memory SQLite store and a clock the test moves: each limit,
 * window rollover, the 401/404/429 it throws with OpenAI's headers, and concurrent admissions.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { ApiError, RateLimitError } from "../errors.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import type { Store } from "../store/store.ts";
import { ClientKeys } from "./key-store-facade.ts";
import { resetText } from "./limits.ts";
import { logLabelOfDigest, clientKeyDigest } from "./secret.ts";

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);
let store: Store;
let clock = T0;
let keys: ClientKeys;

beforeEach(() => {
  store = createSqliteStore({ path: ":memory:" });
  clock = T0;
  keys = new ClientKeys({ store, now: () => clock });
});
afterEach(async () => {
  await store.close();
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

test("requests per minute: the limit's worth admitted, then 429 with headers until the next minute", async () => {
  const { secret } = await keys.create({ name: "rpm", requestsPerMinute: 2 });
  clock = T0 + 15_000;
  const first = await keys.admit(secret, "gpt-4o");
  expect(first.headers).toEqual({ "x-ratelimit-limit-requests": "2", "x-ratelimit-remaining-requests": "1", "x-ratelimit-reset-requests": "45s" });
  await keys.admit(secret, "gpt-4o");
  const refused = await refusal(keys.admit(secret, "gpt-4o"));
  expect(refused).toBeInstanceOf(RateLimitError);
  expect([refused.status, refused.code]).toEqual([429, "rate_limit_exceeded"]);
  expect(refused.headers).toEqual({
    "retry-after": "45",
    "x-ratelimit-limit-requests": "2",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-reset-requests": "45s",
  });
  clock = T0 + 60_000;
  expect((await keys.admit(secret, "gpt-4o")).headers["x-ratelimit-remaining-requests"]).toBe("1");
});

test("tokens per minute and per day: charged at the end through the log label, admitted while there is room", async () => {
  const { key, secret } = await keys.create({ name: "tokens", tokensPerMinute: 100, tokensPerDay: 150 });
  const label = logLabelOfDigest(clientKeyDigest(secret));
  await keys.admit(secret, null);
  await keys.charge(label, { promptTokens: 70, completionTokens: 40 });
  const perMinute = await refusal(keys.admit(secret, null));
  expect(perMinute.message).toContain("tokens per minute");
  expect(perMinute.headers["x-ratelimit-remaining-tokens"]).toBe("0");
  clock = T0 + 60_000;
  const admitted = await keys.admit(secret, null);
  expect(admitted.headers["x-ratelimit-remaining-tokens"]).toBe("100");
  await keys.charge(label, { promptTokens: 40, completionTokens: 0 });
  clock = T0 + 120_000;
  const perDay = await refusal(keys.admit(secret, null));
  expect(perDay.message).toContain("tokens per day");
  expect(perDay.headers["x-ratelimit-limit-tokens"]).toBe("150");
  expect(perDay.headers["retry-after"]).toBe(String(12 * 3600 - 120));
  clock = Date.UTC(2026, 4, 2, 0, 0, 5);
  await keys.admit(secret, null);
  expect((await keys.usage(key.id, 2)).map(({ day, requests, totalTokens }) => [day, requests, totalTokens])).toEqual([
    ["2026-05-01", 2, 150],
    ["2026-05-02", 1, 0],
  ]);
});

test("a label no key of this instance admitted is not charged", async () => {
  const { key } = await keys.create({ name: "quiet" });
  await keys.charge("key:00000000", { promptTokens: 5, completionTokens: 5 });
  expect((await keys.usage(key.id, 1))[0]?.totalTokens).toBe(0);
});

test("concurrent requests: the limit's worth in flight, released ones make room, concurrent admissions never pass it", async () => {
  const { secret } = await keys.create({ name: "conc", concurrentRequests: 2 });
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => keys.admit(secret, null)));
  const admitted = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  expect(admitted.length).toBe(2);
  const refused = results.find((result) => result.status === "rejected");
  expect(refused?.status === "rejected" && refused.reason instanceof RateLimitError && refused.reason.headers["retry-after"]).toBe("1");
  const [one] = admitted;
  if (one) await keys.release(one);
  await keys.admit(secret, null);
  expect((await refusal(keys.admit(secret, null))).status).toBe(429);
});

test("a model outside the key's list is 404 as if it did not exist; an empty list allows every model", async () => {
  const { key, secret } = await keys.create({ name: "models", models: ["gpt-4o-mini"] });
  const refused = await refusal(keys.admit(secret, "gpt-4o"));
  expect([refused.status, refused.code, refused.message]).toEqual([404, "model_not_found", "The model `gpt-4o` does not exist or you do not have access to it."]);
  await keys.admit(secret, "gpt-4o-mini");
  await keys.update(key.id, { models: [] });
  await keys.admit(secret, "gpt-4o");
});

test("expired, revoked, rotated-away and unknown secrets are 401 and never echoed", async () => {
  const { key, secret } = await keys.create({ name: "life", expiresAt: T0 + 1_000 });
  await keys.admit(secret, null);
  clock = T0 + 1_000;
  expect((await refusal(keys.admit(secret, null))).code).toBe("key_expired");
  expect((await keys.get(key.id))?.status).toBe("expired");
  await keys.update(key.id, { expiresAt: null });
  const rotated = await keys.rotate(key.id);
  const old = await refusal(keys.admit(secret, null));
  expect([old.status, old.message.includes(secret)]).toEqual([401, false]);
  await keys.admit(rotated?.secret ?? "", null);
  const revoked = await keys.revoke(key.id);
  expect(revoked?.status).toBe("revoked");
  expect((await refusal(keys.admit(rotated?.secret ?? "", null))).code).toBe("key_revoked");
  expect((await keys.revoke(key.id))?.revokedAt).toBe(revoked?.revokedAt ?? -1);
});

test("reset durations are written OpenAI's way", () => {
  expect([resetText(250), resetText(1_000), resetText(59_001), resetText(90_000), resetText(6 * 3_600_000)]).toEqual(["250ms", "1s", "1m0s", "1m30s", "6h0m0s"]);
});
