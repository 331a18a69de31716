import { describe, expect, test } from "bun:test";
import { createIdentity } from "../../engines/web/identity.ts";
import { bindUpstreamRoute } from "./bind-upstream-route.ts";

const config = {
  chatgptBaseUrls: ["https://a.example", "https://b.example", "https://c.example"],
  proxyUrls: ["http://u-{}:pw@proxy-1:8080", "http://u-{}:pw@proxy-2:8080"],
};

describe("bindUpstreamRoute", () => {
  test("one key always takes the same host and proxy", () => {
    const keys = Array.from({ length: 20 }, (_, i) => `token-${i}`);
    expect(keys.map((key) => bindUpstreamRoute(key, config))).toEqual(keys.map((key) => bindUpstreamRoute(key, config)));
  });

  test("different keys spread over the hosts", () => {
    const hosts = new Set(Array.from({ length: 30 }, (_, i) => bindUpstreamRoute(`token-${i}`, config).host));
    expect([...hosts].sort()).toEqual([...config.chatgptBaseUrls]);
  });

  test("a token gets the proxy /v1 binds to it", () => {
    const { proxyUrl } = createIdentity({ accessToken: "token-7", teamAccountId: null }, { userAgents: [], proxyUrls: config.proxyUrls });
    expect(bindUpstreamRoute("token-7", config).proxyUrl).toBe(proxyUrl);
  });

  test("no proxies configured: no proxy", () => {
    expect(bindUpstreamRoute(null, { chatgptBaseUrls: ["https://a.example"], proxyUrls: [] })).toEqual({ host: "https://a.example", proxyUrl: null });
  });
});
