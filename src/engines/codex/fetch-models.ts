/**
 * @module `GET /backend-api/codex/models?client_version=…` (§6.1) with a conditional request: the ETag of the last
 * catalog goes in `If-None-Match`, and a 304 means the cached one still holds.
 */
import { DEFAULT_CODEX_CLIENT_VERSION } from "./client-version.ts";
import { callCodex, type CodexConnection } from "./connection.ts";
import { CodexError } from "./errors.ts";
import { parseCodexModels, type CodexModel } from "./models.ts";

export type CodexModelsAnswer = { notModified: true } | { notModified: false; models: CodexModel[]; etag: string | null };

export async function fetchCodexModels(connection: CodexConnection, etag?: string | null): Promise<CodexModelsAnswer> {
  const version = connection.clientVersion ?? DEFAULT_CODEX_CLIENT_VERSION;
  const response = await callCodex(connection, {
    method: "GET",
    path: `/backend-api/codex/models?client_version=${encodeURIComponent(version)}`,
    accept: "application/json",
    ...(etag ? { extra: { "if-none-match": etag } } : {}),
  });
  if (response.status === 304) return { notModified: true };
  const body: unknown = await response.json().catch((error: unknown) => {
    throw new CodexError("server", "The Codex models endpoint answered with something other than JSON", { status: response.status, cause: error });
  });
  const bodyEtag = body !== null && typeof body === "object" ? (body as { etag?: unknown }).etag : undefined;
  return { notModified: false, models: parseCodexModels(body), etag: response.headers.get("etag") ?? (typeof bodyEtag === "string" ? bodyEtag : null) };
}
