/** @module The OAuth refresh grant against a real local HTTP server: the request it sends and how answers map. */
import { afterAll, expect, test } from "bun:test";
import { createOAuthRefresh } from "./oauth-refresh.ts";

const seen: unknown[] = [];
let answer: () => Response = () => Response.json({});
const server = Bun.serve({
  port: 0,
  async fetch(request) {
    seen.push({ method: request.method, path: new URL(request.url).pathname, body: await request.json() });
    return answer();
  },
});
afterAll(() => server.stop(true));
const refresh = createOAuthRefresh({ authBaseUrl: server.url.href, clientId: "client-1", redirectUri: "app://cb" });

test("sends the refresh-token grant as JSON to /oauth/token and reads the access token", async () => {
  seen.length = 0;
  answer = () => Response.json({ access_token: "eyJnew", expires_in: 864000 });
  expect(await refresh("rt-value")).toEqual({ type: "ok", accessToken: "eyJnew", refreshToken: null });
  expect(seen).toEqual([
    { method: "POST", path: "/oauth/token", body: { client_id: "client-1", grant_type: "refresh_token", redirect_uri: "app://cb", refresh_token: "rt-value" } },
  ]);
});

test.each([
  ["a rotated refresh token is returned", () => Response.json({ access_token: "eyJa", refresh_token: "rt-next" }), { type: "ok", accessToken: "eyJa", refreshToken: "rt-next" }],
  ["the same refresh token back is no rotation", () => Response.json({ access_token: "eyJa", refresh_token: "rt-value" }), { type: "ok", accessToken: "eyJa", refreshToken: null }],
  ["invalid_grant → revoked", () => Response.json({ error: "invalid_grant", error_description: "Unknown or invalid refresh token." }, { status: 403 }), { type: "revoked", reason: "refresh token rejected (invalid_grant)" }],
  ["access_denied → revoked", () => Response.json({ error: "access_denied" }, { status: 401 }), { type: "revoked", reason: "refresh token rejected (access_denied)" }],
  ["500 → unavailable, not revoked", () => new Response("oops invalid_grant", { status: 500 }), { type: "unavailable", reason: "OAuth host answered HTTP 500" }],
  ["200 without a token → unavailable", () => Response.json({ nope: 1 }), { type: "unavailable", reason: "OAuth answer has no access_token" }],
  ["200 HTML → unavailable", () => new Response("<html>", { status: 200 }), { type: "unavailable", reason: "OAuth host answered with something other than JSON" }],
])("%s", async (_name, respond, expected) => {
  answer = respond;
  expect(await refresh("rt-value")).toEqual(expected as Awaited<ReturnType<typeof refresh>>);
});

test("a connection failure is unavailable and does not mention the token", async () => {
  const closed = Bun.serve({ port: 0, fetch: () => new Response() });
  const url = closed.url.href;
  closed.stop(true);
  const result = await createOAuthRefresh({ authBaseUrl: url, clientId: "c", redirectUri: "r" })("rt-secret-value");
  expect(result.type).toBe("unavailable");
  expect(JSON.stringify(result)).not.toContain("rt-secret-value");
});
