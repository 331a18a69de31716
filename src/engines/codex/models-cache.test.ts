import { expect, test } from "bun:test";
import type { CodexModelsAnswer } from "./fetch-models.ts";
import { CodexModelsCache } from "./models-cache.ts";
import { parseCodexModels } from "./models.ts";

const catalog = (...slugs: string[]) => parseCodexModels({ models: slugs.map((slug, priority) => ({ slug, priority })) });

/** A loader that answers from a script and records the ETag of every call. */
function loader(...answers: Array<CodexModelsAnswer | Error>) {
  const etags: Array<string | null> = [];
  const load = async (etag: string | null) => {
    etags.push(etag);
    const answer = answers.shift();
    if (!answer) throw new Error("no more answers scripted");
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { load, etags };
}

function clock(start = 0) {
  const time = { now: start };
  return { time, now: () => time.now };
}

test("a fresh catalog is served without asking; after the TTL it is revalidated with its ETag and a 304 renews it", async () => {
  const { time, now } = clock();
  const cache = new CodexModelsCache({ ttlMs: 1000, now });
  const { load, etags } = loader({ notModified: false, models: catalog("gpt-5.5"), etag: '"e1"' }, { notModified: true });
  expect((await cache.get("acc", load)).map((model) => model.slug)).toEqual(["gpt-5.5"]);
  time.now = 999;
  await cache.get("acc", load);
  expect(etags).toEqual([null]);
  time.now = 1000;
  expect((await cache.get("acc", load)).map((model) => model.slug)).toEqual(["gpt-5.5"]);
  time.now = 1999;
  await cache.get("acc", load);
  expect(etags).toEqual([null, '"e1"']);
});

test("a changed catalog replaces the cached one", async () => {
  const { time, now } = clock();
  const cache = new CodexModelsCache({ ttlMs: 10, now });
  const { load } = loader({ notModified: false, models: catalog("gpt-5.5"), etag: '"e1"' }, { notModified: false, models: catalog("gpt-6-astra", "gpt-5.5"), etag: '"e2"' });
  await cache.get("acc", load);
  time.now = 10;
  expect((await cache.get("acc", load)).map((model) => model.slug)).toEqual(["gpt-6-astra", "gpt-5.5"]);
});

test("accounts are cached apart", async () => {
  const cache = new CodexModelsCache();
  await cache.get("a", loader({ notModified: false, models: catalog("gpt-5.5"), etag: null }).load);
  await cache.get("b", loader({ notModified: false, models: catalog("gpt-5.4-mini"), etag: null }).load);
  expect([cache.peek("a")?.[0]?.slug, cache.peek("b")?.[0]?.slug, cache.peek("c")]).toEqual(["gpt-5.5", "gpt-5.4-mini", null]);
});

test("concurrent gets for one account share one load", async () => {
  const cache = new CodexModelsCache();
  const { load, etags } = loader({ notModified: false, models: catalog("gpt-5.5"), etag: null });
  const results = await Promise.all(Array.from({ length: 20 }, () => cache.get("acc", load)));
  expect(etags).toEqual([null]);
  expect(new Set(results).size).toBe(1);
});

test("an answer's different x-models-etag makes the next get reload; the same one does not", async () => {
  const cache = new CodexModelsCache({ ttlMs: 60_000, now: () => 0 });
  const { load, etags } = loader({ notModified: false, models: catalog("gpt-5.5"), etag: '"e1"' }, { notModified: true });
  await cache.get("acc", load);
  cache.noteEtag("acc", '"e1"');
  await cache.get("acc", load);
  expect(etags).toEqual([null]);
  cache.noteEtag("acc", '"e2"');
  await cache.get("acc", load);
  expect(etags).toEqual([null, '"e1"']);
});

test("a failed revalidation serves the last catalog and retries only after retryMs; with nothing cached it throws", async () => {
  const { time, now } = clock();
  const cache = new CodexModelsCache({ ttlMs: 10, retryMs: 100, now });
  const { load, etags } = loader({ notModified: false, models: catalog("gpt-5.5"), etag: '"e1"' }, new Error("502"), { notModified: true });
  await cache.get("acc", load);
  time.now = 10;
  expect((await cache.get("acc", load)).map((model) => model.slug)).toEqual(["gpt-5.5"]);
  time.now = 109;
  await cache.get("acc", load);
  expect(etags).toEqual([null, '"e1"']);
  time.now = 110;
  await cache.get("acc", load);
  expect(etags).toEqual([null, '"e1"', '"e1"']);
  const failing = loader(new Error("401"));
  await expect(cache.get("other", failing.load)).rejects.toThrow("401");
});

test("invalidate forgets the account's catalog", async () => {
  const cache = new CodexModelsCache();
  const { load, etags } = loader({ notModified: false, models: catalog("gpt-5.5"), etag: '"e1"' }, { notModified: false, models: catalog("gpt-5.4"), etag: '"e2"' });
  await cache.get("acc", load);
  cache.invalidate("acc");
  expect((await cache.get("acc", load)).map((model) => model.slug)).toEqual(["gpt-5.4"]);
  expect(etags).toEqual([null, null]);
});
