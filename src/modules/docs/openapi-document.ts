/**
 * @module The OpenAPI document, by @elysiajs/swagger, over the routes of the app the docs module is mounted in.
 * Imported on the first request for it: the plugin brings Zod and Scalar's themes with it, whose evaluation cost the
 * binary's start ~10 ms (issue 12), for a page few requests ask for.
 */
import { swagger } from "@elysiajs/swagger";
import type { AnyElysia } from "elysia";

/** What the plugin reads of the app it is mounted in. */
interface GlobalView {
  getGlobalRoutes(): unknown[];
  getGlobalDefinitions(): unknown;
}

/**
 * The plugin, wired to `mountedIn`'s routes as Elysia wires a plugin it mounts (its global routes and models are the
 * host app's), answering its own spec path: `/swagger/json`, whatever API_PREFIX is. The plugin itself is mounted
 * nowhere, so its own UI page (assets from a CDN, blank offline) is served nowhere either.
 */
export function openApiDocument(mountedIn: AnyElysia, version: string): (request: Request) => Promise<Response> {
  const plugin = swagger({
    path: "/swagger",
    specPath: "/swagger/json",
    exclude: [/^\/swagger/, /\/swagger/],
    // the plugin leaves out any path with a dot as a static file; ours are routes (GET /admin/api/requests.csv)
    excludeStaticFile: false,
    documentation: {
      info: {
        title: "chat2api",
        version,
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
  });
  // what Elysia's own `use` does to a plugin it mounts; the two are protected in Elysia's types, not in its code
  const host = mountedIn as unknown as GlobalView;
  Object.assign(plugin, { getGlobalRoutes: () => host.getGlobalRoutes(), getGlobalDefinitions: () => host.getGlobalDefinitions() } satisfies GlobalView);
  return (request) => plugin.handle(new Request(new URL("/swagger/json", request.url), { headers: request.headers }));
}
