import { describe, expect, test } from "bun:test";
import { upstreamRequestHeaders } from "./upstream-request-headers.ts";

const host = "https://chatgpt.com";

describe("upstreamRequestHeaders", () => {
  test("a browser's request keeps what ChatGPT reads and loses the rest; origin is the upstream's", () => {
    const kept = {
      authorization: "Bearer token",
      accept: "text/event-stream",
      "accept-language": "en-US",
      "content-type": "application/json",
      "content-length": "12",
      "chatgpt-account-id": "team-1",
      "user-agent": "Mozilla/5.0",
      cookie: "oai-sc=abc",
      priority: "u=1, i",
      "oai-device-id": "device",
      "oai-client-version": "prod-1",
      "x-oai-turn-trace-id": "trace",
      "x-conduit-token": "conduit",
      "x-openai-target-path": "/backend-api/f/conversation",
      "x-openai-target-route": "/backend-api/f/conversation",
      "openai-sentinel-chat-requirements-token": "sentinel",
      "openai-sentinel-proof-token": "proof",
      "sec-ch-ua": '"Chromium";v="142"',
      "sec-fetch-site": "same-origin",
    };
    const dropped = {
      "accept-encoding": "gzip, br",
      host: "gateway.example",
      origin: "https://gateway.example",
      referer: "https://gateway.example/c/1",
      "x-forwarded-for": "203.0.113.9",
      forwarded: "for=203.0.113.9",
      via: "1.1 edge",
      "cf-connecting-ip": "203.0.113.9",
      "x-request-id": "req_1",
      authkey: "the-clients-key",
    };
    const incoming = new Headers({ ...kept, ...dropped });
    expect(Object.fromEntries(upstreamRequestHeaders(incoming, { host, authKey: null }))).toEqual({ ...kept, origin: host, referer: `${host}/` });
  });

  test("AUTH_KEY is sent as authkey in place of whatever the client sent for this hop", () => {
    const headers = upstreamRequestHeaders(new Headers({ authkey: "the-clients-key" }), { host, authKey: "ours" });
    expect(headers.get("authkey")).toBe("ours");
  });

  test("a whitelisted header the client's Connection header names is hop-by-hop and dropped", () => {
    const incoming = new Headers({ connection: "keep-alive, Cookie, TE", cookie: "a=b", te: "trailers", accept: "*/*" });
    expect(Object.fromEntries(upstreamRequestHeaders(incoming, { host, authKey: null }))).toEqual({ accept: "*/*", origin: host, referer: `${host}/` });
  });
});
