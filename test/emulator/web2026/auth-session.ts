/**
 * @module `GET /api/auth/session` (web-2026.md §8.1, §10 item 30), served in both generations: the
 * `__Secure-next-auth.session-token` cookie, whole or in `.0`, `.1` chunks (joined in order, as next-auth joins every
 * cookie of the family: a client that sends an old whole cookie beside new chunks sends garbage), answers
 * `{user, expires, accessToken, authProvider, sessionToken}`; an unknown or ended session answers `{}`. With
 * `rotate` on, every exchange spends the token and sets its successor by `Set-Cookie` (chunked when long, the other
 * family members deleted) and in the body's `sessionToken`. A revoked account's session keeps answering with the same
 * access token, which every `/backend-api` call (`/me` included) refuses with 401. The log shows `<session token>`.
 */
import { randomBytes } from "node:crypto";
import type { AccountRegistry } from "../accounts.ts";
import { detail, json } from "../http.ts";
import type { EmulatorLogEntry } from "../types.ts";

export const SESSION_COOKIE = "__Secure-next-auth.session-token";
/** What a browser stores in one cookie before it chunks (next-auth: 4096 bytes less the cookie's overhead). */
const CHUNK_SIZE = 3936;
/** `{"alg":"dir","enc":"A256GCM"}`: session tokens are JWEs encrypted with the server's own key. */
const JWE_HEADER = Buffer.from(JSON.stringify({ alg: "dir", enc: "A256GCM" })).toString("base64url");
const SESSION_LIFETIME_MS = 30 * 86_400_000;

/** `.N` → N, the whole cookie → -1, another cookie → null. */
function familyIndex(name: string): number | null {
  if (name === SESSION_COOKIE) return -1;
  const match = /^__Secure-next-auth\.session-token\.(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** The family's cookies in the request, by index. */
function familyOf(cookieHeader: string | null): Map<number, string> {
  const family = new Map<number, string>();
  for (const pair of (cookieHeader ?? "").split(";")) {
    const at = pair.indexOf("=");
    const index = at > 0 ? familyIndex(pair.slice(0, at).trim()) : null;
    if (index !== null) family.set(index, pair.slice(at + 1).trim());
  }
  return family;
}

/** next-auth's reading: every family member, the whole cookie first, then the chunks in order, joined. */
function sessionValue(family: Map<number, string>): string {
  return [...family.keys()].sort((a, b) => a - b).map((index) => family.get(index) ?? "").join("");
}

function setCookies(token: string, sent: Map<number, string>, expires: Date): string[] {
  const attributes = `Path=/; Expires=${expires.toUTCString()}; HttpOnly; Secure; SameSite=Lax`;
  const chunks: string[] = [];
  for (let at = 0; at < token.length; at += CHUNK_SIZE) chunks.push(token.slice(at, at + CHUNK_SIZE));
  const set = chunks.length === 1 ? new Map([[-1, token]]) : new Map(chunks.map((chunk, index) => [index, chunk]));
  const headers = [...set].map(([index, value]) => `${index === -1 ? SESSION_COOKIE : `${SESSION_COOKIE}.${index}`}=${value}; ${attributes}`);
  for (const index of sent.keys()) {
    if (!set.has(index)) headers.push(`${index === -1 ? SESSION_COOKIE : `${SESSION_COOKIE}.${index}`}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`);
  }
  return headers;
}

export class SessionTokens {
  /** Live session token → account id; spent (rotated) and ended tokens are removed. */
  private readonly live = new Map<string, string>();
  private readonly revokedAccounts = new Set<string>();
  /** The access token each revoked account's session keeps answering with. */
  private readonly frozenAccess = new Map<string, string>();
  /** Each exchange spends the token and sets a new one. */
  rotate = false;

  constructor(
    private readonly accounts: AccountRegistry,
    private readonly now: () => number,
  ) {}

  /** A new live session token for the account; `long` makes one a browser keeps in `.0`/`.1` chunks (> 3936 characters). */
  issue(accountIdOrEmail: string, { long = false }: { long?: boolean } = {}): string {
    const account = this.accounts.find(accountIdOrEmail);
    if (!account) throw new Error(`no account ${accountIdOrEmail}`);
    const token = `${JWE_HEADER}..${randomBytes(12).toString("base64url")}.${randomBytes(long ? 3600 : 600).toString("base64url")}.${randomBytes(16).toString("base64url")}`;
    this.live.set(token, account.id);
    return token;
  }

  /** The session is over: `{}` from now on. */
  end(token: string): void {
    this.live.delete(token);
  }

  /** The account's sessions are revoked: the exchange keeps answering, with the access token it gave last, which the backend refuses. */
  revoke(accountIdOrEmail: string): void {
    const account = this.accounts.find(accountIdOrEmail);
    if (!account) throw new Error(`no account ${accountIdOrEmail}`);
    this.revokedAccounts.add(account.id);
  }

  isRevoked(accountId: string): boolean {
    return this.revokedAccounts.has(accountId);
  }

  handle(request: Request, entry: EmulatorLogEntry): Response {
    const family = familyOf(request.headers.get("cookie"));
    if (entry.headers.cookie !== undefined) entry.headers.cookie = entry.headers.cookie.replace(/(__Secure-next-auth\.session-token(?:\.\d+)?=)[^;]*/g, "$1<session token>");
    if (request.method !== "GET") throw detail(405, "Method Not Allowed");
    const token = sessionValue(family);
    const accountId = this.live.get(token);
    const account = accountId === undefined ? undefined : this.accounts.find(accountId);
    entry.account = account?.id ?? "invalid";
    if (!account) return json(200, {});
    const expires = new Date(this.now() + SESSION_LIFETIME_MS);
    const revoked = this.revokedAccounts.has(account.id);
    const accessToken = (revoked ? this.frozenAccess.get(account.id) : undefined) ?? this.accounts.issueAccessToken(account.id);
    this.frozenAccess.set(account.id, accessToken);
    let next = token;
    const headers = new Headers({ "content-type": "application/json" });
    if (this.rotate && !revoked) {
      this.live.delete(token);
      next = this.issue(account.id, { long: token.length > CHUNK_SIZE });
      for (const cookie of setCookies(next, family, expires)) headers.append("set-cookie", cookie);
    }
    const user = { id: `user-${account.id}`, name: account.email.split("@")[0], email: account.email, image: "", picture: "", idp: "auth0", iat: Math.floor(this.now() / 1000), mfa: false, groups: [], intercom_hash: randomBytes(32).toString("hex") };
    const body = { user, expires: expires.toISOString(), accessToken, authProvider: "openai", sessionToken: next };
    return new Response(JSON.stringify(body), { status: 200, headers });
  }
}
