/**
 * @module A ChatGPT web session token (web-2026.md §8.1): the `__Secure-next-auth.session-token` cookie, an opaque
 * JWE (`eyJ…` header, five dot-separated parts, the second empty). A browser splits a long one into the cookies
 * `….0`, `….1`, … whose values, joined in order, are the token; users copy it whole or chunk by chunk.
 *
 * Accepted as pasted: the value itself; its chunks in order joined by `|`; or `name=value` pairs copied from a Cookie
 * header (`…session-token.0=…; …session-token.1=…`, other cookies ignored), separated by `;` or `|`. The token is
 * kept whole; it is cut into chunks again only when sent, as the browser would. Nothing here echoes a token.
 */

export const SESSION_COOKIE = "__Secure-next-auth.session-token";

/** next-auth's chunk size: 4096 bytes a cookie, less what the name and attributes take. */
export const SESSION_CHUNK_SIZE = 3936;

/** A JWE in compact form: protected header (JSON, so `eyJ`), encrypted key (empty for `dir`), IV, ciphertext, tag. */
const JWE = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CHUNK = /^[A-Za-z0-9._-]+$/;
/** `{"alg":"dir","enc":"A256GCM"}`, base64url: how every session token starts [V QW]. */
const SESSION_HEADER_PREFIX = "eyJhbGciOiJkaXIi";

export type SessionTokenParse =
  /** The whole token, whatever form it was pasted in. */
  | { token: string }
  /** It is meant as a session token but cannot be one; `problem` says why (never quoting it). */
  | { problem: string };

export const SESSION_PROBLEMS = {
  partial: `only part of a session token: paste every chunk of the ${SESSION_COOKIE} cookie, in order (.0|.1)`,
  chunks: "a session token's chunks must be numbered .0, .1, … without gaps",
  characters: "a session token has only letters, digits, '.', '_' and '-'",
} as const;

export function isSessionToken(token: string): boolean {
  return JWE.test(token);
}

/** `name` → the chunk index (`.N`), -1 for the whole cookie, null for another cookie. */
function chunkIndex(name: string): number | null {
  if (name === SESSION_COOKIE) return -1;
  const match = /^__Secure-next-auth\.session-token\.(\d{1,2})$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** The named pieces of the session family in index order, or a problem; null when none is named. */
function namedChunks(pieces: readonly string[]): string[] | { problem: string } | null {
  const chunks = new Map<number, string>();
  for (const piece of pieces) {
    const at = piece.indexOf("=");
    if (at <= 0) continue;
    const index = chunkIndex(piece.slice(0, at).trim());
    if (index !== null) chunks.set(index, piece.slice(at + 1).trim());
  }
  if (chunks.size === 0) return null;
  const whole = chunks.get(-1);
  // a whole cookie beside chunks is two generations of the token: the chunks are the newer (the browser drops the other)
  if (whole !== undefined && chunks.size === 1) return [whole];
  chunks.delete(-1);
  const ordered = [...chunks.keys()].sort((a, b) => a - b);
  if (ordered.some((index, position) => index !== position)) return { problem: SESSION_PROBLEMS.chunks };
  return ordered.map((index) => chunks.get(index) ?? "");
}

/**
 * What `text` is as a session token: the token, a problem when it looks meant as one (its header, or named chunks)
 * but is not whole, or null when it does not look like one at all.
 */
export function parseSessionToken(text: string): SessionTokenParse | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const pieces = trimmed.split(/[|;]/).map((piece) => piece.trim()).filter((piece) => piece !== "");
  const named = namedChunks(pieces);
  if (named !== null && "problem" in named) return named;
  const chunks = named ?? (pieces.every((piece) => !piece.includes("=")) ? pieces : null);
  if (chunks === null || chunks.length === 0) return null;
  const token = chunks.join("");
  if (isSessionToken(token)) return { token };
  const meant = named !== null || token.startsWith(SESSION_HEADER_PREFIX);
  if (!meant) return null;
  return { problem: chunks.every((chunk) => CHUNK.test(chunk)) ? SESSION_PROBLEMS.partial : SESSION_PROBLEMS.characters };
}

/** The `Cookie` header value that carries `token`: whole, or in `.0`, `.1`, … chunks when too long for one cookie. */
export function sessionCookieHeader(token: string): string {
  if (token.length <= SESSION_CHUNK_SIZE) return `${SESSION_COOKIE}=${token}`;
  const pairs: string[] = [];
  for (let at = 0, index = 0; at < token.length; at += SESSION_CHUNK_SIZE, index++) pairs.push(`${SESSION_COOKIE}.${index}=${token.slice(at, at + SESSION_CHUNK_SIZE)}`);
  return pairs.join("; ");
}

/** Whether a `Set-Cookie` deletes its cookie: an empty value, `Max-Age` ≤ 0, or an `Expires` already past. */
function deletes(value: string, attributes: readonly string[], nowMs: number): boolean {
  if (value === "") return true;
  for (const attribute of attributes) {
    const [key = "", raw = ""] = attribute.split("=", 2).map((part) => part.trim());
    if (key.toLowerCase() === "max-age" && Number(raw) <= 0) return true;
    if (key.toLowerCase() === "expires" && Date.parse(raw) <= nowMs) return true;
  }
  return false;
}

/**
 * The session token a response's `Set-Cookie` headers set (web-2026.md §8.1: the server may rotate it there, whole
 * or chunked, deleting the other family members): the new token, or null when they set none (or only deleted).
 */
export function rotatedSessionToken(setCookies: readonly string[], nowMs = Date.now()): string | null {
  const set = new Map<number, string>();
  for (const header of setCookies) {
    const [pair = "", ...attributes] = header.split(";");
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const index = chunkIndex(pair.slice(0, at).trim());
    const value = pair.slice(at + 1).trim();
    if (index === null || deletes(value, attributes, nowMs)) continue;
    set.set(index, value);
  }
  const whole = set.get(-1);
  if (whole !== undefined && isSessionToken(whole)) return whole;
  set.delete(-1);
  const joined = [...set.keys()].sort((a, b) => a - b).map((index) => set.get(index) ?? "").join("");
  return isSessionToken(joined) ? joined : null;
}
