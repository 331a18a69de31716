import { expect, test } from "bun:test";
import { parseBuildInfo } from "./build-info.ts";

test("the build id comes from a c/<id>/_ script path, else from data-build", () => {
  const html = `<html data-build="prod-abc"><script src="https://cdn.oaistatic.com/_next/static/chunks/c/XyZ123/_buildManifest.js"></script><script async src="/x.js"></script></html>`;
  expect(parseBuildInfo(html)).toEqual({
    scriptSources: ["https://cdn.oaistatic.com/_next/static/chunks/c/XyZ123/_buildManifest.js", "/x.js"],
    buildId: "c/XyZ123/_",
  });
  expect(parseBuildInfo(`<html lang="en" data-build="prod-abc"><body></body></html>`)).toEqual({ scriptSources: [], buildId: "prod-abc" });
  expect(parseBuildInfo("not html")).toEqual({ scriptSources: [], buildId: null });
});
