/**
 * @module API docs: the OpenAPI document (by @elysiajs/swagger) at `/swagger/json` and a Swagger UI page at
 * `/swagger` whose assets are embedded in the binary, so the docs work on a machine with no internet. The plugin's
 * own page (assets from a CDN, blank offline) is served nowhere.
 */
import { swagger } from "@elysiajs/swagger";
import { Elysia } from "elysia";
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
  return new Elysia({ name: "docs" })
    .use(
      swagger({
        // the plugin always serves a UI page, loaded from a CDN: it gets our page's path, and ours, registered after
        // it as a static response, takes the route over (a test checks that no CDN page is reachable)
        path: "/swagger",
        specPath: "/swagger/json",
        exclude: [/^\/swagger/, /\/swagger/],
        // the plugin leaves out any path with a dot as a static file; ours are routes (GET /admin/api/requests.csv)
        excludeStaticFile: false,
        documentation: {
          info: {
            title: "chat2api",
            version: options.version,
            description:
              "OpenAI-compatible API in front of the ChatGPT web app. Authenticate with `Authorization: Bearer <key>`: " +
              "one of AUTHORIZATION (served from the account pool), your own ChatGPT access token or refresh token " +
              "(append `,<account id>` for a Team workspace), or anything else for ChatGPT's no-login mode.",
          },
          tags: [
            { name: "Chat", description: "Chat completions" },
            { name: "Models", description: "Models" },
            { name: "Responses", description: "The Responses API" },
            { name: "Images", description: "Image generations" },
            { name: "Health", description: "Liveness and readiness" },
            { name: "Tokens", description: "chat2api-compatible token management" },
            { name: "Admin", description: "Account pool management" },
            { name: "Codex sign-in", description: "Add a Codex account by signing in (device code, or browser with the pasted redirect)" },
          ],
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          security: [{ bearer: [] }],
        },
      }),
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
}
