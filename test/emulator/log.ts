/** @module The request log: one entry per request, with the bearer and refresh tokens replaced by who they belong to. */
import type { AccountRegistry } from "./accounts.ts";
import { headerRecord } from "./http.ts";
import type { EmulatorLogEntry } from "./types.ts";

/** The account a bearer belongs to, for the log: "<id>", or "invalid". Never the token itself. */
export function bearerOwner(authorization: string | null, accounts: AccountRegistry): string {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) return "invalid";
  try {
    return accounts.authenticate(token).id;
  } catch {
    return "invalid";
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

function redactBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("refresh_token" in body)) return body;
  return { ...body, refresh_token: "<refresh token>" };
}

export async function createLogEntry(request: Request, at: number, accounts: AccountRegistry): Promise<EmulatorLogEntry> {
  const url = new URL(request.url);
  const headers = headerRecord(request.headers);
  const isBlob = url.pathname.startsWith("/blob/");
  const authorization = request.headers.get("authorization");
  if (authorization !== null) headers.authorization = `Bearer ${bearerOwner(authorization, accounts)}`;
  const entry: EmulatorLogEntry = { at, method: request.method, path: url.pathname, status: 0, account: authorization === null ? "anon" : bearerOwner(authorization, accounts), headers };
  if (!isBlob && request.method !== "GET") {
    const body = redactBody(parseBody(headers["content-type"] ?? "", await request.clone().text()));
    if (body !== undefined) entry.body = body;
  }
  return entry;
}
