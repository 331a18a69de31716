import { describe, expect, test } from "bun:test";
import { readCodexErrorResponse } from "./read-error-response.ts";

const NOW = 1_789_000_000_000;
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** The facts of the error, without the message wording. */
async function facts(response: Response) {
  const error = await readCodexErrorResponse(response, NOW);
  return { kind: error.kind, status: error.status, code: error.code, param: error.param, detail: error.detail };
}

describe("readCodexErrorResponse", () => {
  test.each([
    ["401 Unauthorized", json(401, { detail: "Unauthorized" }), { kind: "unauthorized", status: 401, code: null, param: null, detail: "Unauthorized" }],
    [
      "401 token_expired",
      json(401, { error: { message: "Could not validate your token. Please try signing in again.", type: "invalid_request_error", code: "token_expired" } }),
      { kind: "unauthorized", status: 401, code: "token_expired", param: null, detail: "Could not validate your token. Please try signing in again." },
    ],
    [
      "401 refresh_token_reused",
      json(401, { error: { message: "Your refresh token has already been used to generate a new access token.", type: "invalid_request_error", param: null, code: "refresh_token_reused" } }),
      { kind: "unauthorized", status: 401, code: "refresh_token_reused", param: null, detail: "Your refresh token has already been used to generate a new access token." },
    ],
    [
      "401 token_revoked",
      json(401, { error: { message: "Encountered invalidated oauth token for user, failing request", type: null, code: "token_revoked", param: null }, status: 401 }),
      { kind: "unauthorized", status: 401, code: "token_revoked", param: null, detail: "Encountered invalidated oauth token for user, failing request" },
    ],
    [
      "403 region JSON",
      json(403, { error: { code: "unsupported_country_region_territory", message: "Country, region, or territory not supported", param: null, type: "request_forbidden" } }),
      { kind: "forbidden", status: 403, code: "unsupported_country_region_territory", param: null, detail: "Country, region, or territory not supported" },
    ],
    [
      "403 Cloudflare HTML",
      new Response("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf</body></html>", { status: 403, headers: { "content-type": "text/html; charset=UTF-8" } }),
      { kind: "cloudflare", status: 403, code: null, param: null, detail: null },
    ],
    [
      "403 HTML without a content type",
      new Response("<html><title>Attention Required! | Cloudflare</title></html>", { status: 403 }),
      { kind: "cloudflare", status: 403, code: null, param: null, detail: null },
    ],
    [
      "400 Unsupported parameter",
      json(400, { detail: "Unsupported parameter: temperature" }),
      { kind: "bad-request", status: 400, code: "unsupported_parameter", param: "temperature", detail: "Unsupported parameter: temperature" },
    ],
    [
      "400 Store must be set to false",
      json(400, { detail: "Store must be set to false" }),
      { kind: "bad-request", status: 400, code: null, param: null, detail: "Store must be set to false" },
    ],
    [
      "400 unsupported effort (OpenAI envelope)",
      json(400, {
        error: {
          message: "Unsupported value: 'none' is not supported with the 'gpt-5.1-codex' model. Supported values are: 'low', 'medium', and 'high'.",
          type: "invalid_request_error",
          param: "reasoning.effort",
          code: "unsupported_value",
        },
      }),
      {
        kind: "bad-request",
        status: 400,
        code: "unsupported_value",
        param: "reasoning.effort",
        detail: "Unsupported value: 'none' is not supported with the 'gpt-5.1-codex' model. Supported values are: 'low', 'medium', and 'high'.",
      },
    ],
    [
      "400 model not supported",
      json(400, { detail: "The 'gpt-4o' model is not supported when using Codex with a ChatGPT account." }),
      { kind: "model-unsupported", status: 400, code: "model_not_supported", param: "model", detail: "The 'gpt-4o' model is not supported when using Codex with a ChatGPT account." },
    ],
    [
      "400 newer version required",
      json(400, { detail: "The 'gpt-6-astra' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again." }),
      {
        kind: "model-unsupported",
        status: 400,
        code: "client_version_too_old",
        param: "model",
        detail: "The 'gpt-6-astra' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again.",
      },
    ],
    [
      "404 Model not found",
      json(404, { error: { message: "Model not found gpt-5.6-luna", type: "invalid_request_error", param: "model", code: null } }),
      { kind: "model-unsupported", status: 404, code: "model_not_found", param: "model", detail: "Model not found gpt-5.6-luna" },
    ],
    [
      "404 item not found (a replayed id)",
      json(404, { error: { message: "Item with id 'rs_1' not found. Items are not persisted when `store` is set to false.", type: "invalid_request_error", param: "input", code: null } }),
      { kind: "bad-request", status: 404, code: null, param: "input", detail: "Item with id 'rs_1' not found. Items are not persisted when `store` is set to false." },
    ],
    ["404 Unknown error", new Response("Unknown error", { status: 404 }), { kind: "server", status: 404, code: null, param: null, detail: "Unknown error" }],
    [
      "503 overloaded",
      json(503, { error: { code: "server_is_overloaded", message: "Our servers are currently overloaded." } }),
      { kind: "server", status: 503, code: "server_is_overloaded", param: null, detail: "Our servers are currently overloaded." },
    ],
    [
      "429 usage_not_included",
      json(429, { error: { type: "usage_not_included", message: "Codex is not included in your plan" } }),
      { kind: "forbidden", status: 429, code: "usage_not_included", param: null, detail: "Codex is not included in your plan" },
    ],
  ] as const)("%s", async (_name, response, expected) => {
    expect(await facts(response)).toEqual(expected);
  });

  test("429 usage_limit_reached: usage-limit with the reset, plan and the quota headers marked limited", async () => {
    const error = await readCodexErrorResponse(
      json(
        429,
        { error: { type: "usage_limit_reached", message: "The usage limit has been reached", plan_type: "plus", resets_at: 1_789_013_872, eligible_promo: null, resets_in_seconds: 13872 } },
        { "x-codex-primary-used-percent": "100", "x-codex-primary-window-minutes": "300", "x-codex-primary-reset-at": "1789013872", "x-codex-plan-type": "plus" },
      ),
      NOW,
    );
    expect({ kind: error.kind, resetsInSec: error.resetsInSec, resetsAt: error.resetsAt, planType: error.planType }).toEqual({
      kind: "usage-limit",
      resetsInSec: 13872,
      resetsAt: 1_789_013_872_000,
      planType: "plus",
    });
    expect(error.quota).toEqual({
      planType: "plus",
      windows: [{ windowMinutes: 300, usedPercent: 100, resetsAt: 1_789_013_872_000 }],
      limitReachedUntil: 1_789_013_872_000,
      observedAt: NOW,
    });
  });

  test("429 without usage_limit_reached is a rate limit with the Retry-After it gave", async () => {
    const error = await readCodexErrorResponse(json(429, { error: { code: "rate_limit_exceeded", message: "slow down" } }, { "retry-after": "7" }), NOW);
    expect({ kind: error.kind, code: error.code, retryAfterSec: error.retryAfterSec, resetsInSec: error.resetsInSec }).toEqual({
      kind: "rate-limited",
      code: "rate_limit_exceeded",
      retryAfterSec: 7,
      resetsInSec: null,
    });
  });

  test("a token echoed in the upstream's message never reaches the error", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const error = await readCodexErrorResponse(json(401, { detail: `bad token ${token}` }), NOW);
    expect(error.message).not.toContain(token);
    expect(error.detail).not.toContain(token);
  });
});
