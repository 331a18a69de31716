import { describe, expect, test } from "bun:test";
import { backendBase, baseHeaders, createIdentity, DEFAULT_USER_AGENTS, secChUa } from "./identity.ts";

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

describe("secChUa", () => {
  test.each([
    [148, "Google Chrome", '"Chromium";v="148", "Google Chrome";v="148", "Not/A)Brand";v="99"'],
    [142, "Google Chrome", '"Chromium";v="142", "Google Chrome";v="142", "Not_A Brand";v="99"'],
    [131, "Google Chrome", '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"'],
    [147, "Google Chrome", '"Google Chrome";v="147", "Not.A/Brand";v="8", "Chromium";v="147"'],
    [148, "Microsoft Edge", '"Chromium";v="148", "Microsoft Edge";v="148", "Not/A)Brand";v="99"'],
  ])("Chrome %i as %s: %s", (major, brand, header) => {
    expect(secChUa(major, brand)).toBe(header);
  });

  test("the header follows the UA's own version; Firefox and Safari send none", () => {
    const hints = (ua: string) => baseHeaders(createIdentity({ accessToken: "t", teamAccountId: null }, { userAgents: [ua], proxyUrls: [] }), { host: "https://chatgpt.com", language: "en-US", authKey: null })["sec-ch-ua"];
    expect(DEFAULT_USER_AGENTS.map(hints)).toEqual([
      secChUa(148, "Google Chrome"),
      secChUa(147, "Google Chrome"),
      secChUa(148, "Microsoft Edge"),
      undefined,
      undefined,
    ]);
  });
});
