/** @module Reads what the pool needs from an access token's JWT payload, without verifying it (upstream does). */

export interface JwtClaims {
  /** Epoch ms of `exp`; null when absent or the token is no JWT. */
  expiresAtMs: number | null;
  /** `chatgpt_plan_type` from OpenAI's auth claim (`free`, `plus`, `pro`, `team`…); null when unknown. */
  plan: string | null;
}

const AUTH_CLAIM = "https://api.openai.com/auth";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readJwtClaims(token: string): JwtClaims {
  const payload = token.split(".")[1];
  if (payload === undefined) return { expiresAtMs: null, plan: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { expiresAtMs: null, plan: null };
  }
  if (!isRecord(parsed)) return { expiresAtMs: null, plan: null };
  const exp = typeof parsed.exp === "number" && Number.isFinite(parsed.exp) ? parsed.exp * 1000 : null;
  const auth = parsed[AUTH_CLAIM];
  const plan = isRecord(auth) && typeof auth.chatgpt_plan_type === "string" ? auth.chatgpt_plan_type : null;
  return { expiresAtMs: exp, plan };
}
