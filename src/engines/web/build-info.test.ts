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
