/** @module Token buckets per client address and for everyone. */
import { expect, test } from "bun:test";
import { createRateLimiter } from "./rate-limiter.ts";

function limiter(perKey = { burst: 3, perMinute: 3 }, overall = { burst: 5, perMinute: 5 }) {
  let clock = 0;
  const limits = createRateLimiter({ perKey, overall, maxKeys: 100, now: () => clock });
  return { limits, advance: (ms: number) => (clock += ms) };
}

test("a key spends its burst, then waits for a token; the wait is said in seconds", () => {
  const { limits, advance } = limiter();
  expect([1, 2, 3].map(() => limits.take("a").allowed)).toEqual([true, true, true]);
  expect(limits.take("a")).toEqual({ allowed: false, retryAfterSec: 20 });
  advance(20_000);
  expect(limits.take("a").allowed).toBe(true);
});

test("keys do not share their buckets, but all share the overall one", () => {
  const { limits } = limiter();
  expect([limits.take("a"), limits.take("a"), limits.take("a"), limits.take("b"), limits.take("b")].every((d) => d.allowed)).toBe(true);
  const refused = limits.take("c");
  expect(refused.allowed).toBe(false);
});

test("a refused take spends nothing", () => {
  const { limits } = limiter({ burst: 1, perMinute: 1 }, { burst: 10, perMinute: 10 });
  limits.take("a");
  for (let i = 0; i < 5; i++) expect(limits.take("a").allowed).toBe(false);
  expect(limits.take("b").allowed).toBe(true);
});

test("a flood of distinct keys is still bounded by the overall bucket", () => {
  const { limits } = limiter({ burst: 2, perMinute: 2 }, { burst: 50, perMinute: 50 });
  let allowed = 0;
  for (let i = 0; i < 10_000; i++) if (limits.take(`10.0.${i >> 8}.${i & 255}`).allowed) allowed++;
  expect(allowed).toBe(50);
});
