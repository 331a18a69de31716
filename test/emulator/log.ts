/** @module The request log: one entry per request, with the bearer and refresh tokens replaced by who they belong to. */
import type { AccountRegistry } from "./accounts.ts";
import { headerRecord } from "./http.ts";
import type { EmulatorLogEntry } from "./types.ts";

/** Finds the account of a bearer the web registry does not know (the Codex side's tokens). */
export type OtherOwner = (token: string) => string | undefined;

/** The account a bearer belongs to, for the log: "<id>", or "invalid". Never the token itself. */
export function bearerOwner(authorization: string | null, accounts: AccountRegistry, otherOwner?: OtherOwner): string {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) return "invalid";
  try {
    return accounts.authenticate(token).id;
  } catch {
    return otherOwner?.(token) ?? "invalid";
  }
}

/** Parses a JSON or form body for the log; binary and empty bodies are left out. */
function parseBody(type: string, text: string): unknown {
  if (text === "") return undefined;
  if (type.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** OAuth secrets in request bodies, and what the log shows instead. */
const SECRET_FIELDS: Record<string, string> = { refresh_token: "<refresh token>", code: "<code>", code_verifier: "<code verifier>", token: "<token>" };

function redactBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const redacted: Record<string, unknown> = { ...body };
  for (const [key, placeholder] of Object.entries(SECRET_FIELDS)) if (key in redacted) redacted[key] = placeholder;
  return redacted;
}

/**
 * Adds `entry` to `log`, and when the log has reached twice `limit` drops the oldest entries down to `limit`: the last
 * `limit` are always there, and dropping costs one splice per `limit` entries.
 */
export function appendToLog(log: EmulatorLogEntry[], entry: EmulatorLogEntry, limit = Number.POSITIVE_INFINITY): void {
  log.push(entry);
  if (log.length >= 2 * limit) log.splice(0, log.length - limit);
}

export async function createLogEntry(request: Request, at: number, accounts: AccountRegistry, otherOwner?: OtherOwner): Promise<EmulatorLogEntry> {
  const url = new URL(request.url);
  const headers = headerRecord(request.headers);
  const isBlob = url.pathname.startsWith("/blob/");
  const authorization = request.headers.get("authorization");
  const owner = authorization === null ? "anon" : bearerOwner(authorization, accounts, otherOwner);
  if (authorization !== null) headers.authorization = `Bearer ${owner}`;
  const entry: EmulatorLogEntry = { at, method: request.method, path: url.pathname, status: 0, account: owner, headers };
  if (!isBlob && request.method !== "GET") {
    const body = redactBody(parseBody(headers["content-type"] ?? "", await request.clone().text()));
    if (body !== undefined) entry.body = body;
  }
  return entry;
}
