/** @module /api/auth/session → access token, the rotated cookie kept, and /backend-api/me as the liveness authority. */
import { describe, expect, test } from "bun:test";
import { checkAccessToken, exchangeSessionToken, SESSION_OVER, SESSION_REVOKED, sessionGrant } from "./session-exchange.ts";
import { SESSION_COOKIE } from "./session-token.ts";

const HEADER = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0";
const session = (fill: string) => `${HEADER}..aXZpdml2.${fill.repeat(50)}.dGFn`;
const OLD = session("o");
const NEW = session("n");
const ACCESS = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: 2_000_000_000, "https://api.openai.com/auth": { chatgpt_account_id: "acct-9" } })).toString("base64url")}.c2ln`;

interface Seen {
  url: string;
  headers: Headers;
}

/** A fake chatgpt.com: answers by path, records what it was sent. */
function upstream(answers: Record<string, () => Response>): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    seen.push({ url, headers: new Headers(init?.headers) });
    const answer = answers[new URL(url).pathname];
    if (!answer) return new Response("not found", { status: 404 });
    return answer();
  };
  return { fetch: fake as typeof fetch, seen };
}

const sessionJson = (body: unknown, setCookies: string[] = []) => () => {
  const headers = new Headers({ "content-type": "application/json" });
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
  return new Response(JSON.stringify(body), { headers });
};

describe("exchangeSessionToken", () => {
  test("sends the cookie, returns the access token; no rotation keeps the token sent", async () => {
    const fake = upstream({ "/api/auth/session": sessionJson({ user: { id: "u" }, expires: "2026-12-01T00:00:00.000Z", accessToken: ACCESS, authProvider: "openai", sessionToken: OLD }) });
    expect(await exchangeSessionToken(OLD, { baseUrl: "https://chat.test/", fetch: fake.fetch })).toEqual({ type: "ok", accessToken: ACCESS, sessionToken: OLD, rotated: false });
    expect([fake.seen[0]?.url, fake.seen[0]?.headers.get("cookie")]).toEqual(["https://chat.test/api/auth/session", `${SESSION_COOKIE}=${OLD}`]);
  });

  test("a rotated cookie in Set-Cookie is the token to keep", async () => {
    const fake = upstream({ "/api/auth/session": sessionJson({ accessToken: ACCESS, sessionToken: OLD }, [`${SESSION_COOKIE}=${NEW}; Path=/; HttpOnly`]) });
    expect(await exchangeSessionToken(OLD, { baseUrl: "https://chat.test", fetch: fake.fetch })).toEqual({ type: "ok", accessToken: ACCESS, sessionToken: NEW, rotated: true });
  });

  test("a rotated token only in the body's sessionToken is kept too", async () => {
    const fake = upstream({ "/api/auth/session": sessionJson({ accessToken: ACCESS, sessionToken: NEW }) });
    expect(await exchangeSessionToken(OLD, { baseUrl: "https://chat.test", fetch: fake.fetch })).toMatchObject({ sessionToken: NEW, rotated: true });
  });

  test("{} is a dead session; HTML, 5xx and no connection tell nothing", async () => {
    const dead = upstream({ "/api/auth/session": sessionJson({}) });
    const html = upstream({ "/api/auth/session": () => new Response("<html>Just a moment…</html>", { status: 200 }) });
    const down = upstream({ "/api/auth/session": () => new Response("", { status: 502 }) });
    const unreachable = (async () => {
      throw new Error("Unable to connect");
    }) as unknown as typeof fetch;
    const outcomes = await Promise.all([dead, html, down].map((fake) => exchangeSessionToken(OLD, { baseUrl: "https://chat.test", fetch: fake.fetch })));
    outcomes.push(await exchangeSessionToken(OLD, { baseUrl: "https://chat.test", fetch: unreachable }));
    expect(outcomes.map((outcome) => outcome.type)).toEqual(["dead", "unavailable", "unavailable", "unavailable"]);
    expect(outcomes[0]).toEqual({ type: "dead", reason: SESSION_OVER });
    expect(JSON.stringify(outcomes)).not.toContain(OLD);
  });
});

describe("checkAccessToken and sessionGrant", () => {
  test("/me 200 is live and names the token's account; 401/403 dead; 404 and 500 unknown", async () => {
    const statuses = [200, 401, 403, 404, 500];
    const results = [];
    for (const status of statuses) {
      const fake = upstream({ "/backend-api/me": () => new Response("{}", { status }) });
      results.push(await checkAccessToken(ACCESS, { baseUrl: "https://chat.test", fetch: fake.fetch }));
      expect([fake.seen[0]?.headers.get("authorization"), fake.seen[0]?.headers.get("chatgpt-account-id"), fake.seen[0]?.headers.get("oai-device-id") !== null]).toEqual([`Bearer ${ACCESS}`, "acct-9", true]);
    }
    expect(results).toEqual(["live", "dead", "dead", "unknown", "unknown"]);
  });

  test("a session whose access token /me refuses is dead (revoked); one /me cannot confirm is taken", async () => {
    const revoked = upstream({ "/api/auth/session": sessionJson({ accessToken: ACCESS }), "/backend-api/me": () => new Response("{}", { status: 401 }) });
    const noMe = upstream({ "/api/auth/session": sessionJson({ accessToken: ACCESS }) });
    expect(await sessionGrant(OLD, { baseUrl: "https://chat.test", fetch: revoked.fetch })).toEqual({ type: "dead", reason: SESSION_REVOKED });
    expect(await sessionGrant(OLD, { baseUrl: "https://chat.test", fetch: noMe.fetch })).toMatchObject({ type: "ok", accessToken: ACCESS });
  });
});
