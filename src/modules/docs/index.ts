/**
 * @module API docs: the OpenAPI document (by @elysiajs/swagger, openapi-document.ts, loaded on its first request) at
 * `/swagger/json` and a Swagger UI page at `/swagger` whose assets are embedded in the binary, so the docs work on a
 * machine with no internet. The plugin's own page (assets from a CDN, blank offline) is served nowhere.
 */
import { type AnyElysia, Elysia } from "elysia";
// embedded as files, not text: the 1.9 MB bundle stays on disk (in the binary) until a browser asks for it
import uiBundlePath from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import uiCssPath from "swagger-ui-dist/swagger-ui.css" with { type: "file" };

function page(specUrl: string, assetBase: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>chat2api API</title>
  <link rel="stylesheet" href="${assetBase}/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${assetBase}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#swagger-ui", deepLinking: true,
      persistAuthorization: true });
  </script>
</body>
</html>`;
}

export function docsModule(options: { prefix: string; version: string }) {
  const base = `${options.prefix}/swagger`;
  let document: Promise<(request: Request) => Promise<Response>> | undefined;
  const docs: AnyElysia = new Elysia({ name: "docs" })
    .get(
      "/swagger/json",
      async ({ request }) => {
        document ??= import("./openapi-document.ts").then(({ openApiDocument }) => openApiDocument(docs, options.version));
        return (await document)(request);
      },
      { detail: { hide: true } },
    )
    .get("/swagger", new Response(page(`${base}/json`, `${base}/assets`), { headers: { "content-type": "text/html; charset=utf-8" } }), {
      detail: { hide: true },
    })
    .get("/swagger/assets/swagger-ui-bundle.js", ({ set }) => {
      set.headers["content-type"] = "application/javascript; charset=utf-8";
      set.headers["cache-control"] = "public, max-age=86400";
      return Bun.file(uiBundlePath);
    }, { detail: { hide: true } })
    .get("/swagger/assets/swagger-ui.css", ({ set }) => {
      set.headers["content-type"] = "text/css; charset=utf-8";
      set.headers["cache-control"] = "public, max-age=86400";
      return Bun.file(uiCssPath);
    }, { detail: { hide: true } });
  return docs;
}
