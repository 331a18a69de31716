/**
 * @module What a Codex OAuth token says about itself (codex.md §1.2): its client, ChatGPT account, plan and expiry,
 * read from the JWT payload without verifying it (the backend does). The pool's plan/expiry reader is reused.
 */
import { readJwtClaims } from "../../web/auth/read-jwt-claims.ts";
import { CODEX_CLIENT_ID } from "./oauth-clients.ts";

export interface CodexClaims {
  /** `client_id`, else the id_token's `aud`; null when the token names none. */
  clientId: string | null;
  /** `https://api.openai.com/auth` → `chatgpt_account_id`: the `ChatGPT-Account-ID` header's value. */
  chatgptAccountId: string | null;
  /** `chatgpt_plan_type` (free, plus, pro, team…); opaque. */
  planType: string | null;
  /** Epoch ms of `exp`. */
  expiresAtMs: number | null;
  email: string | null;
}

const AUTH_CLAIM = "https://api.openai.com/auth";
const PROFILE_CLAIM = "https://api.openai.com/profile";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function payloadOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (payload === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

export function readCodexClaims(token: string): CodexClaims {
  const payload = payloadOf(token);
  const { expiresAtMs, plan } = readJwtClaims(token);
  const auth = isRecord(payload[AUTH_CLAIM]) ? payload[AUTH_CLAIM] : {};
  const profile = isRecord(payload[PROFILE_CLAIM]) ? payload[PROFILE_CLAIM] : {};
  const audience = Array.isArray(payload.aud) ? payload.aud.find((item) => typeof item === "string" && item.startsWith("app_")) : null;
  return {
    clientId: stringOf(payload.client_id) ?? stringOf(audience),
    chatgptAccountId: stringOf(auth.chatgpt_account_id),
    planType: plan,
    expiresAtMs,
    email: stringOf(payload.email) ?? stringOf(profile.email),
  };
}

/** An access token the Codex backend takes: issued to the Codex client. */
export function isCodexAccessToken(token: string): boolean {
  return readCodexClaims(token).clientId === CODEX_CLIENT_ID;
}
