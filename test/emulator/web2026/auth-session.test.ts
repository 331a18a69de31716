/** `GET /api/auth/session` (web-2026.md §8.1, §10 item 30): whole and chunked cookies, rotation, `{}`, revocation, the log. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";

const COOKIE = "__Secure-next-auth.session-token";
const CHUNK = 3936;

type SessionBody = { accessToken?: string; sessionToken?: string; expires?: string; authProvider?: string; user?: { email?: string } };

async function exchange(url: string, cookie: string): Promise<{ status: number; body: SessionBody; setCookies: string[] }> {
  const response = await fetch(`${url}/api/auth/session`, { headers: { cookie } });
  return { status: response.status, body: (await response.json()) as SessionBody, setCookies: response.headers.getSetCookie() };
}

const chunked = (token: string) => `${COOKIE}.0=${token.slice(0, CHUNK)}; ${COOKIE}.1=${token.slice(CHUNK)}`;

describe.each(["2024", "2026"] as const)("GET /api/auth/session (%s mode)", (webGeneration) => {
  test("a live session (whole cookie): the session's JSON, an access token the backend takes, no rotation", async () => {
    await using emu = await startEmulator({ webGeneration });
    const account = emu.addAccount({ id: "s1", plan: "plus" });
    const { status, body, setCookies } = await exchange(emu.url, `oai-did=x; ${COOKIE}=${account.sessionToken}`);
    expect([status, body.authProvider, body.user?.email, body.sessionToken, typeof body.expires, setCookies]).toEqual([200, "openai", account.email, account.sessionToken, "string", []]);
    const models = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${body.accessToken}`, "oai-device-id": crypto.randomUUID() } });
    expect(models.status).toBe(200);
    expect([emu.log.at(-2)?.account, emu.log.at(-2)?.headers.cookie]).toEqual(["s1", `oai-did=x; ${COOKIE}=<session token>`]);
  });
});

describe("GET /api/auth/session", () => {
  test("a long session in .0/.1 chunks is read joined; a lone chunk, a stray whole cookie beside chunks and an unknown token are {}", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const long = emu.issueSessionToken(account.id, { long: true });
    expect(long.length).toBeGreaterThan(CHUNK);
    expect((await exchange(emu.url, chunked(long))).body.accessToken).toStartWith("eyJ");
    expect((await exchange(emu.url, `${COOKIE}.0=${long.slice(0, CHUNK)}`)).body).toEqual({});
    expect((await exchange(emu.url, `${COOKIE}=${account.sessionToken}; ${chunked(long)}`)).body).toEqual({});
    expect((await exchange(emu.url, `${COOKIE}=eyJhbGciOiJkaXIi..a.b.c`)).body).toEqual({});
    expect((await exchange(emu.url, "")).body).toEqual({});
  });

  test("rotation: the token is spent, its successor comes in Set-Cookie (chunked when long, the old family deleted) and the body", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    emu.rotateSessionTokens = true;
    const first = await exchange(emu.url, `${COOKIE}=${account.sessionToken}`);
    const next = first.body.sessionToken ?? "";
    expect([next !== account.sessionToken, first.setCookies.map((c) => c.split("=")[0])]).toEqual([true, [COOKIE]]);
    expect(first.setCookies[0]).toStartWith(`${COOKIE}=${next};`);
    expect((await exchange(emu.url, `${COOKIE}=${account.sessionToken}`)).body).toEqual({});
    expect((await exchange(emu.url, `${COOKIE}=${next}`)).body.accessToken).toStartWith("eyJ");

    const long = emu.issueSessionToken(account.id, { long: true });
    const rotated = await exchange(emu.url, chunked(long));
    const successor = rotated.body.sessionToken ?? "";
    expect(rotated.setCookies.map((c) => c.split("=")[0])).toEqual([`${COOKIE}.0`, `${COOKIE}.1`]);
    expect(rotated.setCookies.map((c) => c.split(";")[0]?.split("=")[1]).join("")).toBe(successor);
    expect((await exchange(emu.url, chunked(successor))).status).toBe(200);
  });

  test("an ended session is {}; a revoked one keeps giving the same access token, which /backend-api refuses (401)", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const ended = emu.addAccount();
    emu.endSession(ended.sessionToken);
    expect((await exchange(emu.url, `${COOKIE}=${ended.sessionToken}`)).body).toEqual({});

    const account = emu.addAccount();
    const before = (await exchange(emu.url, `${COOKIE}=${account.sessionToken}`)).body.accessToken;
    emu.revokeSession(account.id);
    const after = (await exchange(emu.url, `${COOKIE}=${account.sessionToken}`)).body.accessToken;
    const again = (await exchange(emu.url, `${COOKIE}=${account.sessionToken}`)).body.accessToken;
    const me = await fetch(`${emu.url}/backend-api/me`, { headers: { authorization: `Bearer ${after}`, "oai-device-id": crypto.randomUUID() } });
    expect([after, again, me.status]).toEqual([before, before, 401]);
  });

  test("only GET", async () => {
    await using emu = await startEmulator();
    expect((await fetch(`${emu.url}/api/auth/session`, { method: "POST" })).status).toBe(405);
  });
});
