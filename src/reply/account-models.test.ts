import { expect, test } from "bun:test";
import type { UpstreamIdentity } from "../engines/web/identity.ts";
import { AccountModels } from "./account-models.ts";

/** A fake model list that counts its calls and answers when told. */
function countingUpstream() {
  const pending: Array<{ resolve: (slugs: string[]) => void; reject: (error: Error) => void }> = [];
  return {
    pending,
    listModelSlugs: () => new Promise<string[]>((resolve, reject) => pending.push({ resolve, reject })),
  };
}
const identity = {} as UpstreamIdentity;

test("concurrent misses for one account share one look-up; another account has its own", async () => {
  const upstream = countingUpstream();
  const models = new AccountModels(upstream, 1_000, () => 0);
  const waiting = Array.from({ length: 8 }, () => models.slugs("a", identity));
  const other = models.slugs("b", identity);
  expect(upstream.pending.length).toBe(2);
  upstream.pending[0]?.resolve(["gpt-4o"]);
  upstream.pending[1]?.resolve(["o3"]);
  expect(await Promise.all(waiting)).toEqual(Array(8).fill(["gpt-4o"]));
  expect(await other).toEqual(["o3"]);
  expect(await models.slugs("a", identity)).toEqual(["gpt-4o"]);
  expect(upstream.pending.length).toBe(2);
});

test("a failed look-up fails its waiters once and is not remembered", async () => {
  const upstream = countingUpstream();
  const models = new AccountModels(upstream, 1_000, () => 0);
  const waiting = Array.from({ length: 3 }, () => models.slugs("a", identity).catch((error: Error) => error.message));
  upstream.pending[0]?.reject(new Error("502"));
  expect(await Promise.all(waiting)).toEqual(["502", "502", "502"]);
  const again = models.slugs("a", identity);
  expect(upstream.pending.length).toBe(2);
  upstream.pending[1]?.resolve(["gpt-4o"]);
  expect(await again).toEqual(["gpt-4o"]);
});

test("one caller giving up does not end the shared look-up for the others", async () => {
  const upstream = countingUpstream();
  const models = new AccountModels(upstream, 1_000, () => 0);
  const leaving = new AbortController();
  const gaveUp = models.slugs("a", identity, leaving.signal).catch(() => "aborted");
  const staying = models.slugs("a", identity, new AbortController().signal);
  leaving.abort();
  expect(await gaveUp).toBe("aborted");
  upstream.pending[0]?.resolve(["gpt-4o"]);
  expect(await staying).toEqual(["gpt-4o"]);
  expect(upstream.pending.length).toBe(1);
});

test("after the TTL the next miss looks up again", async () => {
  const upstream = countingUpstream();
  let clock = 0;
  const models = new AccountModels(upstream, 1_000, () => clock);
  const first = models.slugs("a", identity);
  upstream.pending[0]?.resolve(["gpt-4o"]);
  await first;
  clock = 1_000;
  const second = models.slugs("a", identity);
  upstream.pending[1]?.resolve(["o3"]);
  expect(await second).toEqual(["o3"]);
});
