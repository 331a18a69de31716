import { describe, expect, test } from "bun:test";
import { backendBase, baseHeaders, createIdentity } from "./identity.ts";

const options = { userAgents: [], proxyUrls: ["http://user:pass@proxy.example:8080/{}"] };

describe("createIdentity", () => {
  test("is stable per token: same device id, user agent and proxy every time", () => {
    const a = createIdentity({ accessToken: "token-a", teamAccountId: null }, options);
    expect(createIdentity({ accessToken: "token-a", teamAccountId: null }, options)).toEqual(a);
    expect(a.deviceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.proxyUrl).toMatch(/^http:\/\/user:pass@proxy\.example:8080\/[0-9a-f]{32}$/);
    expect(a.proxyUrl).not.toContain("token-a");
  });

  test("anonymous use gets a fresh device id per request", () => {
    const one = createIdentity({ accessToken: null, teamAccountId: null }, options);
    const two = createIdentity({ accessToken: null, teamAccountId: null }, options);
    expect(one.deviceId).not.toBe(two.deviceId);
  });
});

describe("baseHeaders", () => {
  test("carry the bearer, the Team id and authkey only when given, and go to the right backend", () => {
    const identity = createIdentity({ accessToken: "tok", teamAccountId: "ws-1" }, { userAgents: ["Mozilla/5.0 Chrome/142.0.0.0 Safari/537.36"], proxyUrls: [] });
    const headers = baseHeaders(identity, { host: "https://chatgpt.com", language: "en-US", authKey: "gate" });
    expect(headers).toMatchObject({
      authorization: "Bearer tok",
      "chatgpt-account-id": "ws-1",
      authkey: "gate",
      "oai-language": "en-US",
      "oai-device-id": identity.deviceId,
      origin: "https://chatgpt.com",
      "sec-ch-ua-mobile": "?0",
    });
    expect(backendBase("https://chatgpt.com", identity)).toBe("https://chatgpt.com/backend-api");
    const anon = createIdentity({ accessToken: null, teamAccountId: null }, { userAgents: [], proxyUrls: [] });
    const anonHeaders = baseHeaders(anon, { host: "https://chatgpt.com", language: "en-US", authKey: null });
    expect(anonHeaders.authorization).toBeUndefined();
    expect(anonHeaders.authkey).toBeUndefined();
    expect(backendBase("https://chatgpt.com", anon)).toBe("https://chatgpt.com/backend-anon");
  });
});
