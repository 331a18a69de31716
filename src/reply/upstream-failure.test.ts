import { describe, expect, test } from "bun:test";
import { UpstreamError, type UpstreamErrorKind } from "../engines/web/errors.ts";
import { outcomeOf, toApiError } from "./upstream-failure.ts";

describe("what an upstream failure means", () => {
  test.each<[UpstreamErrorKind, number | null, string, number, string | null]>([
    ["unauthorized", 401, "unauthorized", 401, "invalid_access_token"],
    ["forbidden", 403, "blocked", 503, "upstream_forbidden"],
    ["cloudflare", 403, "blocked", 503, "upstream_cloudflare"],
    ["unusual-activity", null, "blocked", 503, "upstream_unusual_activity"],
    ["pow-too-hard", null, "blocked", 503, "upstream_pow_too_hard"],
    ["pow-unsolved", null, "blocked", 503, "upstream_pow_unsolved"],
    ["challenge-unavailable", null, "blocked", 503, "upstream_challenge_unavailable"],
    ["anonymous-refused", 403, "blocked", 403, "anonymous_refused"],
    ["capped", 429, "capped", 429, "model_cap_exceeded"],
    ["rate-limited", 429, "server-error", 429, "rate_limit_exceeded"],
    ["server", 502, "server-error", 502, "upstream_unavailable"],
    ["network", null, "server-error", 502, "upstream_unavailable"],
    ["stream", null, "server-error", 502, "upstream_unavailable"],
    ["bad-request", 413, "client-error", 413, "upstream_rejected"],
    ["bad-request", 422, "client-error", 422, "upstream_rejected"],
    ["bad-request", 400, "client-error", 400, "upstream_rejected"],
  ])("%s (HTTP %p) → outcome %s, client status %i (%s)", (kind, status, outcome, clientStatus, code) => {
    const error = new UpstreamError(kind, "ChatGPT said no", { status, clearsInSec: kind === "capped" ? 120 : null });
    expect(outcomeOf(error, "gpt-4o").type).toBe(outcome as never);
    const apiError = toApiError(error, false);
    expect({ status: apiError.status, code: apiError.code }).toEqual({ status: clientStatus, code });
  });

  test("a cap carries its clear time to the pool and to Retry-After", () => {
    const error = new UpstreamError("capped", "cap", { status: 429, clearsInSec: 3600 });
    expect(outcomeOf(error, "o3")).toEqual({ type: "capped", model: "o3", clearsInSec: 3600 });
    expect(toApiError(error, false).headers["retry-after"]).toBe("3600");
  });

  test("a pool token the upstream rejects is the server's problem (503), a caller's own is the caller's (401)", () => {
    const error = new UpstreamError("unauthorized", "401", { status: 401 });
    expect(toApiError(error, true).status).toBe(503);
    expect(toApiError(error, false).status).toBe(401);
  });

  test("5xx answers tell openai-node not to retry three times", () => {
    expect(toApiError(new UpstreamError("cloudflare", "cf", { status: 403 }), false).headers["x-should-retry"]).toBe("false");
  });
});
