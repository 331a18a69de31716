import { describe, expect, test } from "bun:test";
import { readErrorResponse } from "./read-error-response.ts";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("readErrorResponse", () => {
  test.each([
    ["429 clears_in → capped", json(429, { detail: { message: "Too many", code: "model_cap_exceeded", clears_in: 3600 } }), { kind: "capped", status: 429, clearsInSec: 3600 }],
    ["429 without clears_in → rate-limited", json(429, { detail: "slow down" }), { kind: "rate-limited", status: 429, clearsInSec: null }],
    ["401 → unauthorized", json(401, { detail: "Could not parse your authentication token" }), { kind: "unauthorized", status: 401 }],
    ["403 JSON → forbidden", json(403, { detail: "Unusual activity" }), { kind: "forbidden", status: 403 }],
    [
      "403 HTML challenge → cloudflare",
      new Response("<html><script>window._cf_chl_opt={}</script></html>", { status: 403, headers: { "content-type": "text/html; charset=UTF-8" } }),
      { kind: "cloudflare", status: 403 },
    ],
    ["502 → server", new Response("Bad gateway", { status: 502 }), { kind: "server", status: 502 }],
    ["413 → bad-request", json(413, { detail: "Message too long" }), { kind: "bad-request", status: 413 }],
  ])("%s", async (_name, response, expected) => {
    expect(await readErrorResponse(response, "the conversation")).toMatchObject(expected);
  });

  test("a token echoed in the upstream's message is redacted", async () => {
    const error = await readErrorResponse(json(401, { detail: "bad token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefgh" }), "x");
    expect(error.message).not.toContain("eyJhbGciOi");
    expect(error.message).toContain("[redacted]");
  });
});
