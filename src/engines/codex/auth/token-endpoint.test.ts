/** @module The token endpoint's answers read into tokens, typed refusals (both error shapes) or "unavailable". */
import { afterAll, expect, test } from "bun:test";
import { callTokenEndpoint, readTokenError } from "./token-endpoint.ts";

let answer: () => Response = () => new Response("{}");
const seen: Array<{ type: string | null; body: string }> = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    seen.push({ type: request.headers.get("content-type"), body: await request.text() });
    return answer();
  },
});
afterAll(() => server.stop(true));
const options = { authBaseUrl: `http://127.0.0.1:${server.port}/` };

test("a 200 with tokens is ok; the fields go as a form or as JSON", async () => {
  answer = () => Response.json({ access_token: "at", refresh_token: "rt", id_token: "id", expires_in: 60 });
  expect(await callTokenEndpoint({ a: "1 2" }, options, { json: false })).toEqual({ type: "ok", tokens: { accessToken: "at", refreshToken: "rt", idToken: "id", expiresInSec: 60 } });
  answer = () => Response.json({ access_token: "at2" });
  expect(await callTokenEndpoint({ b: "2" }, options, { json: true })).toEqual({ type: "ok", tokens: { accessToken: "at2", refreshToken: null, idToken: null, expiresInSec: null } });
  expect(seen.slice(-2)).toEqual([
    { type: "application/x-www-form-urlencoded", body: "a=1+2" },
    { type: "application/json", body: '{"b":"2"}' },
  ]);
});

test.each([
  ["OAuth's shape", 400, { error: "invalid_grant", error_description: "bad" }, { code: "invalid_grant", message: "bad" }],
  ["OpenAI's shape", 401, { error: { message: "used", type: "invalid_request_error", code: "refresh_token_reused" } }, { code: "refresh_token_reused", message: "used" }],
])("a 4xx in %s is a refusal with its code", async (_name, status, body, expected) => {
  answer = () => Response.json(body, { status });
  expect(await callTokenEndpoint({}, options, { json: true })).toEqual({ type: "refused", status, ...expected });
  expect(readTokenError(body)).toEqual(expected);
});

test("a 5xx, an unreadable 4xx and a 200 without access_token are unavailable, with nothing spent (the host answered)", async () => {
  for (const response of [new Response("oops", { status: 502 }), new Response("<html>", { status: 403 }), Response.json({ token_type: "Bearer" })]) {
    answer = () => response;
    expect(await callTokenEndpoint({}, options, { json: true })).toMatchObject({ type: "unavailable", mayHaveReached: false });
  }
});

test("a host that refuses the connection is unavailable and was never reached", async () => {
  const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const url = `http://127.0.0.1:${closed.port}`;
  await closed.stop(true);
  const result = await callTokenEndpoint({ refresh_token: "rt_secret_value" }, { authBaseUrl: url }, { json: true });
  expect(result).toMatchObject({ type: "unavailable", mayHaveReached: false });
  expect(JSON.stringify(result)).not.toContain("rt_secret_value");
});

test("a timeout may have reached the host and spent what was sent", async () => {
  answer = () => new Response(new ReadableStream({ start() {} }));
  const result = await callTokenEndpoint({}, { ...options, timeoutMs: 100 }, { json: true });
  expect(result).toMatchObject({ type: "unavailable", mayHaveReached: true });
});
