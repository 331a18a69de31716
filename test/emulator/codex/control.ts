/** @module The Codex side of the by-hand control API, under `/_emulator/codex/` (for `bun run emulator`). */
import { detail, HttpError, isRecord, json, readJsonObject } from "../http.ts";
import type { Emulator } from "../types.ts";
import type { AddCodexAccountInput, CodexScriptedReply, CodexSettings } from "./types.ts";

function text(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw detail(422, `"${key}" is required`);
  return value;
}

export async function handleCodexControl(request: Request, path: string, emulator: Emulator): Promise<Response> {
  const { codex } = emulator;
  if (path === "stats" && request.method === "GET") return json(200, codex.stats());
  if (request.method !== "POST") throw detail(404, "Unknown control endpoint");
  const body = await readJsonObject(request);
  try {
    switch (path) {
      case "accounts":
        return json(200, emulator.addCodexAccount(body as AddCodexAccountInput));
      case "script": {
        const replies = Array.isArray(body.replies) ? body.replies.filter(isRecord) : [body];
        codex.script(...(replies as CodexScriptedReply[]));
        return json(200, { status: "queued", replies: replies.length });
      }
      case "configure":
        codex.configure(body as Partial<CodexSettings>);
        return json(200, codex.settings());
      case "sign-in":
        codex.signIn(text(body, "account"));
        return json(200, { status: "signed in" });
      case "device/approve":
        return json(200, { approved: codex.approveDevice(text(body, "user_code"), text(body, "account")) });
      case "quota": {
        const account = text(body, "account");
        const windowMinutes = typeof body.windowMinutes === "number" ? body.windowMinutes : undefined;
        if (body.exhaust === true) codex.exhaust(account, windowMinutes);
        else codex.setQuota(account, { ...(windowMinutes === undefined ? {} : { windowMinutes }), ...(typeof body.limit === "number" ? { limit: body.limit } : {}), ...(typeof body.used === "number" ? { used: body.used } : {}) });
        return json(200, codex.quota(account));
      }
      default:
        throw detail(404, "Unknown control endpoint");
    }
  } catch (error) {
    // a control call naming an unknown account or window is the caller's mistake, not an emulator bug
    if (error instanceof Error && !(error instanceof HttpError)) throw detail(422, error.message);
    throw error;
  }
}
