/**
 * @module `GET /backend-api/wham/usage` (§5.3): the account's quota windows without spending a request, e.g. to
 * check an account that is resting or to show the windows of one that has not been used yet.
 */
import { callCodex, type CodexConnection } from "./connection.ts";
import { CodexError } from "./errors.ts";
import { parseWhamUsage, type QuotaWindows } from "./quota.ts";

export async function fetchCodexUsage(connection: CodexConnection): Promise<QuotaWindows | null> {
  const response = await callCodex(connection, { method: "GET", path: "/backend-api/wham/usage", accept: "application/json" });
  const body: unknown = await response.json().catch((error: unknown) => {
    throw new CodexError("server", "The Codex usage endpoint answered with something other than JSON", { status: response.status, cause: error });
  });
  return parseWhamUsage(body, (connection.now ?? Date.now)());
}
