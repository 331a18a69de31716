import { expect, test } from "bun:test";
import { BuildInfoCache, parseBuildInfo } from "./build-info.ts";
import { createIdentity } from "./identity.ts";
import { UpstreamSession } from "./session.ts";

test("the build id comes from a c/<id>/_ script path, else from data-build", () => {
  const html = `<html data-build="prod-abc"><script src="https://cdn.oaistatic.com/_next/static/chunks/c/XyZ123/_buildManifest.js"></script><script async src="/x.js"></script></html>`;
  expect(parseBuildInfo(html)).toEqual({
    scriptSources: ["https://cdn.oaistatic.com/_next/static/chunks/c/XyZ123/_buildManifest.js", "/x.js"],
    buildId: "c/XyZ123/_",
    dataBuild: "prod-abc",
    buildNumber: null,
  });
  expect(parseBuildInfo(`<html lang="en" data-build="prod-abc"><body></body></html>`)).toEqual({ scriptSources: [], buildId: "prod-abc", dataBuild: "prod-abc", buildNumber: null });
  expect(parseBuildInfo("not html")).toEqual({ scriptSources: [], buildId: null, dataBuild: null, buildNumber: null });
});

test.each([
  [`<html data-build="prod-1"><script>{"buildNumber":7823760}</script></html>`, "7823760"],
  [`<html><script>window.x={"client_build_number":"6128297"}</script></html>`, "6128297"],
  [`<html data-build-number="10352280"></html>`, "10352280"],
  [`<html lang="en-US" data-build="prod-1" data-seq="1234567"></html>`, "1234567"],
  [`<html data-build="prod-1"></html>`, null],
])("the build number of %s is %p", (html, number) => {
  expect(parseBuildInfo(html).buildNumber).toBe(number);
});

test("the page is loaded once per host while fresh, again after the TTL or after invalidate", async () => {
  let loads = 0;
  let clock = 0;
  const fetch = async () => {
    loads++;
    return new Response(`<html data-build="prod-${loads}"></html>`, { headers: { "content-type": "text/html" } });
  };
  const session = new UpstreamSession({ host: "https://up.example", identity: createIdentity({ accessToken: "t", teamAccountId: null }, { userAgents: [], proxyUrls: [] }), language: "en-US", authKey: null, fetch });
  const cache = new BuildInfoCache(1_000, () => clock);
  const seen = [(await cache.get(session)).dataBuild, (await cache.get(session)).dataBuild];
  clock = 1_000;
  seen.push((await cache.get(session)).dataBuild);
  cache.invalidate("https://up.example");
  seen.push((await cache.get(session)).dataBuild);
  expect(seen).toEqual(["prod-1", "prod-1", "prod-2", "prod-3"]);
});

test("concurrent misses share one page load, and a load that fails is shared as no information", async () => {
  let loads = 0;
  let answer: (response: Response) => void = () => {};
  const fetch = () => {
    loads++;
    return new Promise<Response>((resolve) => {
      answer = resolve;
    });
  };
  const session = new UpstreamSession({ host: "https://up.example", identity: createIdentity({ accessToken: "t", teamAccountId: null }, { userAgents: [], proxyUrls: [] }), language: "en-US", authKey: null, fetch });
  const cache = new BuildInfoCache(1_000, () => 0);
  const waiting = Array.from({ length: 8 }, () => cache.get(session));
  answer(new Response('<html data-build="prod-a"></html>'));
  expect((await Promise.all(waiting)).map((info) => info.dataBuild)).toEqual(Array(8).fill("prod-a"));
  expect(loads).toBe(1);

  cache.invalidate("https://up.example");
  const failing = Array.from({ length: 4 }, () => cache.get(session));
  answer(new Response("down", { status: 503 }));
  expect((await Promise.all(failing)).map((info) => info.dataBuild)).toEqual(Array(4).fill(null));
  expect(loads).toBe(2);
});

test("invalidate during a load starts a new one for later callers", async () => {
  const answers: Array<(response: Response) => void> = [];
  const fetch = () => new Promise<Response>((resolve) => answers.push(resolve));
  const session = new UpstreamSession({ host: "https://up.example", identity: createIdentity({ accessToken: "t", teamAccountId: null }, { userAgents: [], proxyUrls: [] }), language: "en-US", authKey: null, fetch });
  const cache = new BuildInfoCache(1_000, () => 0);
  const first = cache.get(session);
  cache.invalidate("https://up.example");
  const second = cache.get(session);
  expect(answers.length).toBe(2);
  answers[0]?.(new Response('<html data-build="prod-old"></html>'));
  answers[1]?.(new Response('<html data-build="prod-new"></html>'));
  expect((await first).dataBuild).toBe("prod-old");
  expect((await second).dataBuild).toBe("prod-new");
  expect((await cache.get(session)).dataBuild).toBe("prod-new");
});
