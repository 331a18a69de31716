/**
 * @module Reads a token list as users upload it (chat2api's token.txt: one token per line, `#` comments,
 * optional `,<team account id>`) and says plainly why each bad line was refused. Nothing here echoes a token. A web
 * session token is stored whole, however it was pasted (session-token.ts), so two pastes of one are one account.
 */
import { parseSessionToken } from "../engines/web/auth/session-token.ts";
import type { TokenKind } from "./token-kind.ts";
import { accessTokenKind, isJwt, isRefreshToken, isShareToken } from "./token-kind.ts";

export interface ParsedToken {
  credential: string;
  kind: TokenKind;
  /** "" when the line names no workspace. */
  teamAccountId: string;
}

export interface ParsedTokenLines {
  tokens: ParsedToken[];
  /** 1-based line numbers with the reason; never the line's content. */
  rejected: Array<{ line: number; reason: string }>;
}

const MAX_TOKEN_LENGTH = 16_384;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const REJECT_REASONS = {
  spaces: "contains spaces",
  characters: "contains characters no token has",
  tooLong: "longer than any token",
  unknown:
    "not a token: expected an access token (eyJ…, web or Codex), a refresh token (45 characters or rt_…), a session token (__Secure-next-auth.session-token: its value, or its .0|.1 chunks) or a share token (fk-…)",
  accountId: "the account id after the comma is not valid",
} as const;

/** One token (as typed after `/tokens/add/`), validated like an uploaded line. */
export function parseTokenLine(line: string): ParsedToken | { reason: string } {
  if (line.length > MAX_TOKEN_LENGTH) return { reason: REJECT_REASONS.tooLong };
  const comma = line.indexOf(",");
  const token = (comma >= 0 ? line.slice(0, comma) : line).trim();
  const teamAccountId = comma >= 0 ? line.slice(comma + 1).trim() : "";
  // before the spaces rule: Cookie pairs copied from a browser are `name=value; name=value`
  const session = parseSessionToken(token);
  if (session && "problem" in session) return { reason: session.problem };
  if (session && comma >= 0 && !ACCOUNT_ID.test(teamAccountId)) return { reason: REJECT_REASONS.accountId };
  if (session) return { credential: session.token, kind: "session", teamAccountId };
  if (/\s/.test(token)) return { reason: REJECT_REASONS.spaces };
  if (!/^[\x21-\x7e]+$/.test(token)) return { reason: REJECT_REASONS.characters };
  if (comma >= 0 && !ACCOUNT_ID.test(teamAccountId)) return { reason: REJECT_REASONS.accountId };
  if (isRefreshToken(token)) return { credential: token, kind: "refresh", teamAccountId };
  if (isJwt(token)) return { credential: token, kind: accessTokenKind(token), teamAccountId };
  if (isShareToken(token)) return { credential: token, kind: "access", teamAccountId };
  return { reason: REJECT_REASONS.unknown };
}

export function parseTokenLines(text: string): ParsedTokenLines {
  const result: ParsedTokenLines = { tokens: [], rejected: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const parsed = parseTokenLine(line);
    if ("reason" in parsed) result.rejected.push({ line: index + 1, reason: parsed.reason });
    else result.tokens.push(parsed);
  });
  return result;
}

/** "3 lines refused: 2 contains spaces (lines 1, 4); 1 not a token… (line 7)": one sentence for thousands of lines. */
export function summarizeRejections(rejected: ParsedTokenLines["rejected"], shownLines = 5): string {
  const byReason = new Map<string, number[]>();
  for (const { line, reason } of rejected) {
    const lines = byReason.get(reason);
    if (lines) lines.push(line);
    else byReason.set(reason, [line]);
  }
  const parts = [...byReason].map(([reason, lines]) => {
    const shown = lines.slice(0, shownLines).join(", ") + (lines.length > shownLines ? ", …" : "");
    return `${lines.length} ${reason} (line${lines.length === 1 ? "" : "s"} ${shown})`;
  });
  return `${rejected.length} line${rejected.length === 1 ? "" : "s"} refused: ${parts.join("; ")}`;
}
