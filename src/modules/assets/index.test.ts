import { expect, test } from "bun:test";
import { createApp } from "../../app.ts";
import { silentLogger } from "../../logger.ts";
import { AssetCache } from "../../media/asset-cache.ts";
import { assetsModule } from "./index.ts";

function appWith(cache: AssetCache) {
  return createApp({ apiPrefix: "", maxBodyBytes: 1024, adminOrigins: [], logger: silentLogger, version: "test", modules: [assetsModule({ cache })] });
}

test("an image is served inline as itself; any other file only as a download; an unknown id is OpenAI's 404", async () => {
  const cache = new AssetCache();
  const image = cache.put({ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: "image/png" });
  const page = cache.put({ bytes: new TextEncoder().encode("<script>alert(1)</script>"), mimeType: "text/html" });
  const app = appWith(cache);
  const shown = await app.handle(new Request(`http://localhost/v1/assets/${image}`));
  expect([shown.status, shown.headers.get("content-type"), shown.headers.get("content-disposition"), shown.headers.get("x-content-type-options")]).toEqual([200, "image/png", null, "nosniff"]);
  const file = await app.handle(new Request(`http://localhost/v1/assets/${page}`));
  expect([file.status, file.headers.get("content-disposition"), file.headers.get("content-security-policy")]).toEqual([200, "attachment", "default-src 'none'"]);
  const missing = await app.handle(new Request("http://localhost/v1/assets/0123456789abcdef0123456789abcdef"));
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("asset_not_found");
});
