/**
 * @module The HTTP edge with no keys set: the management guard's cross-site checks (Host, Origin, Sec-Fetch-Site),
 * CORS open on the API and allow-listed on management, GET /tokens/add only with a key, the docs without a CDN,
 * and the access log (API_PREFIX and /tokens/add tokens never shown, a client gone before the answer is a 499).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Harness, post, startHarness } from "../e2e/harness.ts";
import { fakeRefreshToken } from "../pool/fixtures.ts";

const PREFIX = "edge-secret-prefix-5e1f";
const ALLOWED = "https://admin.example.com";

let h: Harness;
let host = "";
beforeAll(async () => {
  h = await startHarness({ env: { API_PREFIX: PREFIX, ADMIN_ORIGINS: `${ALLOWED}, http://127.0.0.1:9` } });
  host = new URL(h.server.url).host;
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

const at = (path: string, init?: RequestInit) => h.fetch(`/${PREFIX}${path}`, init);
const accounts = async () => ((await (await at("/admin/api/accounts")).json()) as { data: unknown[] }).data;
const accessLines = () =>
  h.logs.map((line) => JSON.parse(line) as { msg: string; method?: string; path?: string; status?: number }).filter((line) => line.msg === "request");

describe("the management guard without keys", () => {
  test.each([
    ["a loopback Host", { host: "localhost" }, 200],
    ["the server's own Origin", { origin: "http://HOST" }, 200],
    ["Sec-Fetch-Site same-origin", { "sec-fetch-site": "same-origin" }, 200],
    ["Sec-Fetch-Site none (typed in the address bar)", { "sec-fetch-site": "none" }, 200],
    ["a Host that is not a loopback name (DNS rebinding, a proxy)", { host: "evil.example" }, 403],
    ["a loopback Host on a public-looking name", { host: "127.0.0.1.evil.example" }, 403],
    ["a foreign Origin", { origin: "http://evil.example" }, 403],
    ["an allow-listed Origin (ADMIN_ORIGINS is CORS only, not a key)", { origin: ALLOWED }, 403],
    ["another loopback port as Origin", { origin: "http://127.0.0.1:9" }, 403],
    ["Origin null", { origin: "null" }, 403],
    ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }, 403],
    ["Sec-Fetch-Site same-site", { "sec-fetch-site": "same-site" }, 403],
  ])("%s → %p", async (_, headers, status) => {
    const sent = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace("HOST", host)]));
    for (const path of ["/admin/api/accounts", "/metrics"]) {
      const response = await at(path, { headers: sent });
      expect(`${path} ${response.status}`).toBe(`${path} ${status}`);
      if (status === 403) expect(((await response.json()) as { error: { type: string } }).error.type).toBe("permission_error");
    }
    const cleared = await at("/tokens/clear", { method: "POST", headers: sent });
    expect(cleared.status).toBe(status);
  });

  test("GET /tokens/add/{token} changes state, so without a key it is refused even from this machine", async () => {
    const response = await at(`/tokens/add/${fakeRefreshToken("get-add")}`);
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 403,
      body: {
        error: {
          message: "GET /tokens/add/{token} works only with a key (ADMIN_KEY or AUTHORIZATION, sent as Authorization: Bearer). Without one, add tokens with POST /tokens/upload.",
          type: "permission_error",
          param: null,
          code: null,
        },
      },
    });
    expect(await accounts()).toEqual([]);
  });
});

describe("CORS", () => {
  const preflight = (path: string, origin: string, method = "POST") =>
    at(path, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" } });
  const corsOf = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control-")).sort(([a], [b]) => a.localeCompare(b)));

  test("the API stays open to any origin, as OpenAI's is", async () => {
    const response = await preflight("/v1/chat/completions", "https://chat.example");
    expect(response.status).toBe(204);
    expect(corsOf(response)["access-control-allow-origin"]).toBe("https://chat.example");
    expect((await at("/v1/models", { headers: { origin: "https://chat.example" } })).headers.get("access-control-allow-origin")).toBe("https://chat.example");
  });

  test.each(["/tokens/clear", "/tokens/add/x", "/admin/api/accounts", "/metrics", "/%61dmin/api/accounts", "//admin/api/accounts"])(
    "a foreign origin's preflight for %s is told nothing: no origin, no methods",
    async (path) => {
      const response = await preflight(path, "http://evil.example", "DELETE");
      expect(corsOf(response)).toEqual({});
      expect(corsOf(await at(path, { headers: { origin: "http://evil.example" } }))).toEqual({});
    },
  );

  test("an ADMIN_ORIGINS origin may call management cross-origin (with the key it must still present)", async () => {
    const response = await preflight("/admin/api/accounts", ALLOWED, "DELETE");
    expect(corsOf(response)).toEqual({
      "access-control-allow-headers": "authorization, content-type",
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-origin": ALLOWED,
      "access-control-expose-headers": "x-request-id, retry-after, x-should-retry",
      "access-control-max-age": "86400",
    });
  });
});

describe("docs", () => {
  test("the Swagger page loads nothing from a CDN, and the plugin's CDN page is served nowhere", async () => {
    const page = await at("/swagger");
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(`/${PREFIX}/swagger/assets/swagger-ui-bundle.js`);
    expect(html).not.toMatch(/https?:\/\//);
    expect((await at("/swagger/cdn-ui")).status).toBe(404);
  });
});

describe("the access log", () => {
  test("API_PREFIX never appears; a /tokens/add token is redacted raw and percent-encoded", async () => {
    const token = `rt_${"Ab1".repeat(10)}.x_y${"Zq".repeat(8)}`;
    const encoded = token.replaceAll(".", "%2E").replaceAll("_", "%5F");
    const redactedLines = () => accessLines().filter((line) => line.path === "/<prefix>/tokens/add/[redacted]").length;
    const before = redactedLines();
    await at(`/tokens/add/${token}`);
    await at(`/tokens/add/${encoded}`);
    await h.fetch(`/${PREFIX.slice(0, -1)}/v1/models`);
    // the line is written after the answer is sent
    const mistyped = () => accessLines().some((line) => line.path === "/<not-prefix>/v1/models");
    for (let i = 0; i < 200 && (!mistyped() || redactedLines() < before + 2); i++) await Bun.sleep(10);
    const all = h.logs.join("\n");
    expect(all).not.toContain(PREFIX.slice(0, -1));
    expect(all).not.toContain(token);
    expect(all).not.toContain(encoded);
    expect(all).not.toContain("Ab1Ab1Ab1");
    expect(redactedLines()).toBe(before + 2);
    expect(mistyped()).toBe(true);
  });

  test("a client that leaves before the first byte is logged as 499", async () => {
    h.emulator.reset();
    h.emulator.inject({ endpoint: "conversation", kind: { type: "slow", delayMs: 100 } });
    const aborter = new AbortController();
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "long [[words:300]]" }] };
    const pending = at("/v1/chat/completions", { ...post(body), signal: aborter.signal }).catch((error: unknown) => error);
    for (let i = 0; i < 400 && !h.emulator.log.some((entry) => entry.path.endsWith("/conversation")); i++) await Bun.sleep(25);
    aborter.abort();
    await pending;
    const chatLines = () => accessLines().filter((line) => line.method === "POST" && line.path === "/<prefix>/v1/chat/completions");
    for (let i = 0; i < 400 && chatLines().length === 0; i++) await Bun.sleep(25);
    expect(chatLines().map((line) => line.status)).toEqual([499]);
    expect(h.logs.some((line) => line.includes("unhandled error"))).toBe(false);
  }, 20_000);
});
