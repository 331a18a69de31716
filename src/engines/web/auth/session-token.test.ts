/** @module Session tokens as users paste them, as they are sent, and as the server rotates them (web-2026.md §8.1). */
import { describe, expect, test } from "bun:test";
import { isSessionToken, parseSessionToken, rotatedSessionToken, SESSION_CHUNK_SIZE, SESSION_COOKIE, SESSION_PROBLEMS, sessionCookieHeader } from "./session-token.ts";

const HEADER = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0";
/** A JWE-shaped session token whose ciphertext has `length` characters. */
function session(length = 200, fill = "c"): string {
  return `${HEADER}..aXZpdml2aXZpdml2.${fill.repeat(length)}.dGFndGFndGFndGFn`;
}

describe("parseSessionToken", () => {
  const token = session(5000);
  const [first, second] = [token.slice(0, 3000), token.slice(3000)];
  test.each<[string, string]>([
    ["the value", token],
    ["the value with spaces around", `  ${token}\n`],
    ["the chunks joined by |", `${first}|${second}`],
    ["the chunks as Cookie pairs", `${SESSION_COOKIE}.0=${first}; ${SESSION_COOKIE}.1=${second}`],
    ["Cookie pairs out of order, among other cookies", `oai-did=abc; ${SESSION_COOKIE}.1=${second}; cf_clearance=x; ${SESSION_COOKIE}.0=${first}`],
    ["the whole cookie as a pair", `${SESSION_COOKIE}=${token}`],
  ])("%s → the whole token", (_name, pasted) => {
    expect(parseSessionToken(pasted)).toEqual({ token });
  });

  test.each<[string, string]>([
    ["only the first chunk", first],
    ["only the first chunk, named", `${SESSION_COOKIE}.0=${first}`],
  ])("%s → says it is a part", (_name, pasted) => {
    expect(parseSessionToken(pasted)).toEqual({ problem: SESSION_PROBLEMS.partial });
  });

  test("chunks with a gap → says how they must be numbered", () => {
    expect(parseSessionToken(`${SESSION_COOKIE}.0=${first}; ${SESSION_COOKIE}.2=${second}`)).toEqual({ problem: SESSION_PROBLEMS.chunks });
  });

  test.each([
    ["an access token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
    ["a refresh token", "rt_abcdefghijklmnopqrstuvwxyz"],
    ["a pool key", "sk-pool-0123456789"],
    ["other cookies only", "oai-did=abc; cf_clearance=x"],
    ["an empty line", "   "],
  ])("%s is not a session token", (_name, text) => {
    expect(parseSessionToken(text)).toBeNull();
  });

  test("isSessionToken: five parts, the second empty for dir; a three-part JWT is not one", () => {
    expect([isSessionToken(session()), isSessionToken("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]).toEqual([true, false]);
  });
});

describe("sessionCookieHeader", () => {
  test("a short token goes whole; a long one in .0, .1 chunks that join back to it", () => {
    expect(sessionCookieHeader(session())).toBe(`${SESSION_COOKIE}=${session()}`);
    const long = session(SESSION_CHUNK_SIZE + 100);
    const header = sessionCookieHeader(long);
    expect(header.split("; ").map((pair) => pair.split("=")[0])).toEqual([`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`]);
    expect(parseSessionToken(header)).toEqual({ token: long });
  });
});

describe("rotatedSessionToken", () => {
  const next = session(300, "n");
  test("a rotated whole cookie, deleting the old chunks", () => {
    const headers = [`${SESSION_COOKIE}=${next}; Path=/; HttpOnly; Secure`, `${SESSION_COOKIE}.0=; Max-Age=0; Path=/`, `${SESSION_COOKIE}.1=; Expires=Thu, 01 Jan 1970 00:00:00 GMT`];
    expect(rotatedSessionToken(headers)).toBe(next);
  });

  test("rotated chunks, deleting the old whole cookie", () => {
    const long = session(5000, "n");
    const headers = [`${SESSION_COOKIE}=; Max-Age=0`, `${SESSION_COOKIE}.1=${long.slice(3936)}; Path=/`, `${SESSION_COOKIE}.0=${long.slice(0, 3936)}; Path=/`];
    expect(rotatedSessionToken(headers)).toBe(long);
  });

  test("no session cookie, only deletions, or other cookies: none", () => {
    expect([rotatedSessionToken([]), rotatedSessionToken([`${SESSION_COOKIE}=; Max-Age=0`]), rotatedSessionToken(["oai-did=x; Path=/"])]).toEqual([null, null, null]);
  });
});
