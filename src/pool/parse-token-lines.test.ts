/** @module Upload parsing: what a new user might paste, and the answers they get. */
import { expect, test } from "bun:test";
import { fakeJwt, fakeRefreshToken } from "../../test/pool/fixtures.ts";
import { fakeCodexJwt, FAKE_CODEX_CLIENT, FAKE_WEB_CLIENT } from "../../test/support/fake-codex-oauth.ts";
import { fakeSessionToken } from "../../test/support/fake-session-token.ts";
import { SESSION_PROBLEMS } from "../engines/web/auth/session-token.ts";
import type { ParsedToken } from "./parse-token-lines.ts";
import { parseTokenLine, parseTokenLines, REJECT_REASONS, summarizeRejections } from "./parse-token-lines.ts";

const jwt = fakeJwt({ expMs: 2_000_000_000_000, tag: "a" });
const rt = fakeRefreshToken("abc");
const codexJwt = fakeCodexJwt({ clientId: FAKE_CODEX_CLIENT, accountId: "acct-1", plan: "plus" });
const webClientJwt = fakeCodexJwt({ clientId: FAKE_WEB_CLIENT, accountId: "acct-2", plan: "plus" });
const session = fakeSessionToken("s", 5000);
const [chunk0, chunk1] = [session.slice(0, 3936), session.slice(3936)];
const COOKIE = "__Secure-next-auth.session-token";

test.each<[string, string, ParsedToken | { reason: string }]>([
  ["a JWT", jwt, { credential: jwt, kind: "access", teamAccountId: "" }],
  ["a Codex access token (client_id claim)", codexJwt, { credential: codexJwt, kind: "codex-access", teamAccountId: "" }],
  ["an access token of the web client", webClientJwt, { credential: webClientJwt, kind: "access", teamAccountId: "" }],
  ["a 45-character refresh token", rt, { credential: rt, kind: "refresh", teamAccountId: "" }],
  ["an rt_ refresh token", "rt_abcdefghijKLMNOP.123", { credential: "rt_abcdefghijKLMNOP.123", kind: "refresh", teamAccountId: "" }],
  ["a share token", "fk-abcdefgh1234", { credential: "fk-abcdefgh1234", kind: "access", teamAccountId: "" }],
  ["a token with a workspace", `${rt},team-123`, { credential: rt, kind: "refresh", teamAccountId: "team-123" }],
  ["a session token", session, { credential: session, kind: "session", teamAccountId: "" }],
  ["a session token's chunks joined by |", `${chunk0}|${chunk1}`, { credential: session, kind: "session", teamAccountId: "" }],
  ["a session token as Cookie pairs, with a workspace", `${COOKIE}.0=${chunk0}; ${COOKIE}.1=${chunk1},team-5`, { credential: session, kind: "session", teamAccountId: "team-5" }],
  ["only the first chunk of a session token", chunk0, { reason: SESSION_PROBLEMS.partial }],
  ["a session token with a bad workspace", `${session},team 1`, { reason: REJECT_REASONS.accountId }],
  ["a token with spaces", "eyJ abc def", { reason: REJECT_REASONS.spaces }],
  ["non-ASCII garbage", "tökén", { reason: REJECT_REASONS.characters }],
  ["a word", "hello", { reason: REJECT_REASONS.unknown }],
  ["a bad workspace", `${rt},team 1`, { reason: REJECT_REASONS.accountId }],
  ["something enormous", "x".repeat(20_000), { reason: REJECT_REASONS.tooLong }],
])("%s", (_name, line, expected) => {
  expect(parseTokenLine(line)).toEqual(expected);
});

test("comments and blank lines are skipped; bad lines are reported by number, never by content", () => {
  expect(parseTokenLines(`# my tokens\n\n${jwt}\r\n  ${rt}  \nnot a token\n#${rt}\n`)).toEqual({
    tokens: [
      { credential: jwt, kind: "access", teamAccountId: "" },
      { credential: rt, kind: "refresh", teamAccountId: "" },
    ],
    rejected: [{ line: 5, reason: REJECT_REASONS.spaces }],
  });
});

test("10,000 lines of garbage are all refused and summarised in one sentence", () => {
  const garbage = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? `junk line ${i}` : `x${i}`)).join("\n");
  const parsed = parseTokenLines(garbage);
  expect({ tokens: parsed.tokens.length, rejected: parsed.rejected.length }).toEqual({ tokens: 0, rejected: 10_000 });
  expect(summarizeRejections(parsed.rejected)).toBe(
    `10000 lines refused: 5000 ${REJECT_REASONS.spaces} (lines 1, 3, 5, 7, 9, …); 5000 ${REJECT_REASONS.unknown} (lines 2, 4, 6, 8, 10, …)`,
  );
});
