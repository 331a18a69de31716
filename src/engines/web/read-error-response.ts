/**
 * @module Turns an upstream error response into a typed UpstreamError (upstream.md §11): Cloudflare pages,
 * `{"detail": …}` JSON, usage caps with `clears_in`.
 */
import { redactText } from "../../logger.ts";
import { UpstreamError } from "./errors.ts";

const CLOUDFLARE_MARKERS = ["cf_chl_opt", "cf-please-wait", "cf-spinner-please-wait", "challenge-platform"];

function detailText(detail: unknown): string | null {
  if (typeof detail === "string") return detail;
  if (detail && typeof detail === "object") {
    const message = (detail as { message?: unknown }).message;
    if (typeof message === "string") return message;
    return JSON.stringify(detail);
  }
  return null;
}

export async function readErrorResponse(response: Response, step: string): Promise<UpstreamError> {
  const status = response.status;
  const text = await response.text().catch(() => "");
  const contentType = response.headers.get("content-type") ?? "";
  if (contentType.includes("text/html") && CLOUDFLARE_MARKERS.some((marker) => text.includes(marker))) {
    return new UpstreamError(
      "cloudflare",
      `ChatGPT answered ${step} with a Cloudflare challenge page (HTTP ${status}): this server's IP is being challenged. Set PROXY_URL to a cleaner proxy, or try again later.`,
      { status },
    );
  }
  let detail: unknown = null;
  if (contentType.includes("json")) {
    try {
      const body = JSON.parse(text) as { detail?: unknown; error?: unknown };
      detail = body.detail ?? body.error ?? body;
    } catch {
      detail = null;
    }
  }
  const upstreamMessage = redactText(detailText(detail) ?? text.slice(0, 200)).trim() || null;
  const said = upstreamMessage ? `: ${upstreamMessage}` : "";
  if (status === 429) {
    const clearsIn = detail && typeof detail === "object" ? (detail as { clears_in?: unknown }).clears_in : undefined;
    if (typeof clearsIn === "number" && Number.isFinite(clearsIn)) {
      return new UpstreamError("capped", `The ChatGPT account reached its usage cap for this model${said}`, {
        status,
        clearsInSec: Math.max(0, clearsIn),
        detail: upstreamMessage,
      });
    }
    return new UpstreamError("rate-limited", `ChatGPT rate-limited ${step}${said}`, { status, detail: upstreamMessage });
  }
  if (status === 401) {
    return new UpstreamError("unauthorized", `ChatGPT rejected the access token at ${step} (HTTP 401)${said}`, { status, detail: upstreamMessage });
  }
  if (status === 403) {
    return new UpstreamError("forbidden", `ChatGPT refused ${step} (HTTP 403)${said}`, { status, detail: upstreamMessage });
  }
  if (status >= 500) {
    return new UpstreamError("server", `ChatGPT failed at ${step} (HTTP ${status})${said}`, { status, detail: upstreamMessage });
  }
  return new UpstreamError("bad-request", `ChatGPT rejected ${step} (HTTP ${status})${said}`, { status, detail: upstreamMessage });
}
