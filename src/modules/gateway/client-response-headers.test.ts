import { describe, expect, test } from "bun:test";
import { clientResponseHeaders } from "./client-response-headers.ts";

const host = "https://chatgpt.com";

function passBack(init: [string, string][], prefix = "") {
  const headers = new Headers();
  for (const [name, value] of init) headers.append(name, value);
  const out = clientResponseHeaders(headers, { host, prefix });
  return { headers: Object.fromEntries([...out].filter(([name]) => name !== "set-cookie")), cookies: out.getSetCookie() };
}

describe("clientResponseHeaders", () => {
  test("hop-by-hop headers, those the Connection header names, CORS and alt-svc stay behind", () => {
    expect(
      passBack([
        ["content-type", "text/event-stream"],
        ["connection", "keep-alive, x-per-hop"],
        ["x-per-hop", "1"],
        ["keep-alive", "timeout=5"],
        ["transfer-encoding", "chunked"],
        ["access-control-allow-origin", host],
        ["alt-svc", 'h3=":443"'],
        ["cf-ray", "abc-FRA"],
      ]).headers,
    ).toEqual({ "content-type": "text/event-stream", "cf-ray": "abc-FRA" });
  });

  test.each([
    ["gzip", {}],
    ["br", {}],
    ["zstd", {}],
    ["deflate", {}],
    ["compress", { "content-encoding": "compress", "content-length": "40" }],
  ])("content-encoding %s: encoding and length kept only when Bun did not decode the body", (encoding, expected) => {
    expect(passBack([["content-encoding", encoding], ["content-length", "40"]]).headers).toEqual(expected);
  });

  test("an unencoded body keeps its length", () => {
    expect(passBack([["content-length", "40"]]).headers).toEqual({ "content-length": "40" });
  });

  test("every Set-Cookie comes back, scoped to this server instead of the upstream's domain", () => {
    expect(
      passBack([
        ["set-cookie", "oai-sc=abc; Domain=.chatgpt.com; Path=/; Secure; HttpOnly"],
        ["set-cookie", "__cf_bm=xyz; path=/; domain=chatgpt.com"],
      ]).cookies,
    ).toEqual(["oai-sc=abc; Path=/; Secure; HttpOnly", "__cf_bm=xyz; path=/"]);
  });

  test.each([
    ["an absolute gateway path on the upstream host", `${host}/backend-api/files/1?x=1`, "/p/backend-api/files/1?x=1"],
    ["a root-relative gateway path", "/backend-anon/x", "/p/backend-anon/x"],
    ["a path outside the gateway", `${host}/auth/login`, `${host}/auth/login`],
    ["another host", "https://files.oaiusercontent.com/backend-api/x", "https://files.oaiusercontent.com/backend-api/x"],
  ])("Location to %s", (_name, location, expected) => {
    expect(passBack([["location", location]], "/p").headers).toEqual({ location: expected });
  });
});
