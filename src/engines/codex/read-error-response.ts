/**
 * @module A non-200 answer of the Codex backend as a CodexError (§2.3, §4.4, §5.2). Two envelopes exist: the
 * gateway's `{"detail": "<text>"}` and the model layer's OpenAI-style `{"error": {message, type, param, code}}`;
 * 403 may also be an HTML page (Cloudflare), which says nothing about the account.
 */
import { redactText } from "../../logger.ts";
import { CodexError, type CodexErrorKind } from "./errors.ts";
import { parseQuotaHeaders, parseUsageLimit, withUsageLimit } from "./quota.ts";

/** Enough for any JSON error the backend sends; an HTML page is only sniffed. */
const MAX_ERROR_BODY = 64 * 1024;

interface ErrorFacts {
  message: string | null;
  code: string | null;
  param: string | null;
  type: string | null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function factsOf(body: unknown): ErrorFacts {
  const root = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const error = root.error !== null && typeof root.error === "object" ? (root.error as Record<string, unknown>) : {};
  return {
    message: text(root.detail) ?? text(error.message) ?? text(root.error) ?? text(root.message),
    code: text(error.code) ?? text(root.code),
    param: text(error.param) ?? text(root.param),
    type: text(error.type),
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function retryAfterSeconds(headers: Headers, nowMs: number): number | null {
  const value = headers.get("retry-after");
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** 400/404 bodies: which field, and whether it is the model that is refused. */
function classifyRefusal(status: number, facts: ErrorFacts): { kind: CodexErrorKind; code: string | null; param: string | null } {
  const message = facts.message ?? "";
  const unsupported = /^Unsupported parameter:\s*'?([^'\s]+)'?/i.exec(message);
  if (unsupported?.[1]) return { kind: "bad-request", code: facts.code ?? "unsupported_parameter", param: unsupported[1] };
  if (/model is not supported when using Codex/i.test(message)) return { kind: "model-unsupported", code: facts.code ?? "model_not_supported", param: "model" };
  if (/requires a newer version of Codex/i.test(message)) return { kind: "model-unsupported", code: facts.code ?? "client_version_too_old", param: "model" };
  if (/^Model not found/i.test(message) || (facts.param === "model" && status === 404)) {
    return { kind: "model-unsupported", code: facts.code ?? "model_not_found", param: "model" };
  }
  // A bare 404 "Unknown error" has been a service incident, not a wrong request.
  if (status === 404 && !facts.code && !facts.param && (message === "" || /^unknown error$/i.test(message))) {
    return { kind: "server", code: null, param: null };
  }
  return { kind: "bad-request", code: facts.code, param: facts.param };
}

export async function readCodexErrorResponse(response: Response, nowMs: number): Promise<CodexError> {
  const { status, headers } = response;
  const raw = (await response.text().catch(() => "")).slice(0, MAX_ERROR_BODY);
  const quota = parseQuotaHeaders(headers, nowMs);
  const contentType = headers.get("content-type") ?? "";
  const isHtml = contentType.includes("html") || /^\s*</.test(raw);
  const body = isHtml ? null : parseJson(raw);
  const facts = factsOf(body);
  const detail = redactText(facts.message ?? (isHtml ? "" : raw.slice(0, 300))).trim() || null;
  const said = detail ? `: ${detail}` : "";
  const base = { status, detail, quota, planType: headers.get("x-codex-plan-type") || null };

  if (status === 401) {
    return new CodexError("unauthorized", `The Codex backend rejected the access token (HTTP 401)${said}`, { ...base, code: facts.code });
  }
  if (status === 403) {
    if (isHtml) {
      return new CodexError("cloudflare", "The Codex backend answered with an HTML block page (HTTP 403): this server's IP or client fingerprint is blocked, not the account", base);
    }
    return new CodexError("forbidden", `The Codex backend refused the request (HTTP 403)${said}`, { ...base, code: facts.code, param: facts.param });
  }
  if (status === 429) {
    const limit = parseUsageLimit(body, nowMs);
    if (limit) {
      return new CodexError("usage-limit", `The account's Codex usage limit has been reached; it resets in ${limit.resetsInSec} s`, {
        ...base,
        code: "usage_limit_reached",
        resetsAt: limit.resetsAt,
        resetsInSec: limit.resetsInSec,
        planType: limit.planType ?? base.planType,
        quota: withUsageLimit(quota, limit, nowMs),
      });
    }
    if (facts.type === "usage_not_included" || facts.code === "usage_not_included") {
      return new CodexError("forbidden", `The account's plan does not include Codex (HTTP 429)${said}`, { ...base, code: "usage_not_included" });
    }
    return new CodexError("rate-limited", `The Codex backend rate-limited the request (HTTP 429)${said}`, {
      ...base,
      code: facts.code ?? facts.type,
      retryAfterSec: retryAfterSeconds(headers, nowMs),
    });
  }
  if (status >= 500) {
    return new CodexError("server", `The Codex backend failed (HTTP ${status})${said}`, {
      ...base,
      code: facts.code,
      retryAfterSec: retryAfterSeconds(headers, nowMs),
    });
  }
  const { kind, code, param } = classifyRefusal(status, facts);
  return new CodexError(kind, `The Codex backend refused the request (HTTP ${status})${said}`, { ...base, code, param });
}
