/**
 * @module What a Codex engine failure means: for the pool (the attempt's outcome, which decides failover) and for
 * the client (the API error at the edge). The engine only reports facts (CodexError); statuses are chosen here.
 */
import { ApiError, AuthenticationError, InvalidRequestError, ModelNotFoundError, PermissionDeniedError, RateLimitError, UpstreamFailureError } from "../errors.ts";
import type { CodexError } from "../engines/codex/errors.ts";
import type { AttemptOutcome } from "../pool/attempt-outcome.ts";

export function codexOutcomeOf(error: CodexError, model: string): AttemptOutcome {
  switch (error.kind) {
    case "unauthorized":
      return { type: "unauthorized" };
    case "forbidden":
    case "cloudflare":
      return { type: "blocked", reason: error.kind };
    // the account's rest comes from the quota it reported (pool.reportQuota), not from a per-model cap
    case "usage-limit":
      return { type: "server-error", status: error.status ?? 429 };
    case "rate-limited":
    case "server":
    case "network":
    case "stream":
      return { type: "server-error", status: error.status ?? 0 };
    // this account's plan lacks the model: it rests for that model alone, and another account may offer it
    case "model-unsupported":
      return { type: "capped", model, clearsInSec: 3600 };
    case "bad-request":
      return { type: "client-error", status: error.status ?? 400 };
    default: {
      const _exhaustiveCheck: never = error.kind;
      return _exhaustiveCheck;
    }
  }
}

/** `pooled`: the credential was a pool account, so a rejected token is the pool's problem, not the caller's. */
export function codexApiError(error: CodexError, model: string, pooled: boolean): ApiError {
  const said = error.detail ? `: ${error.detail}` : "";
  const options = { cause: error };
  switch (error.kind) {
    case "unauthorized":
      return pooled
        ? new UpstreamFailureError(503, `No Codex account in the pool was accepted by ChatGPT${said}. Check the pool's Codex sign-ins on the management page.`, options)
        : new AuthenticationError(`ChatGPT's Codex backend rejected your access token${said}. Sign in again (chat2api login) and use the new token.`, {
            code: "invalid_access_token",
            ...options,
          });
    case "usage-limit": {
      const wait = error.resetsInSec ?? 60;
      return new RateLimitError(`The Codex usage limit of this plan is reached; it resets in ${Math.ceil(wait)} s.`, wait, { code: "usage_limit_reached", ...options });
    }
    case "rate-limited":
      return new RateLimitError(`The Codex backend asked to slow down${said}.`, error.retryAfterSec ?? 5, options);
    case "forbidden":
      return new PermissionDeniedError(`The Codex backend refused this account${said}.`, { code: "upstream_forbidden", ...options });
    case "cloudflare":
      return new UpstreamFailureError(503, "The Codex backend answered with a Cloudflare block page: this server's IP is blocked; try PROXY_URL.", {
        code: "upstream_cloudflare",
        ...options,
      });
    case "model-unsupported":
      return error.code === "client_version_too_old"
        ? new InvalidRequestError(`The Codex backend needs a newer client for ${model}${said}.`, { param: "model", code: "model_not_supported", ...options })
        : new ModelNotFoundError(model);
    case "bad-request":
      return new InvalidRequestError(`The Codex backend refused the request${said}.`, { param: error.param, code: "upstream_rejected", ...options });
    case "server":
    case "network":
    case "stream":
      return new UpstreamFailureError(502, `The Codex backend failed${said}. Try again in a moment.`, { code: "upstream_unavailable", ...options });
    default: {
      const _exhaustiveCheck: never = error.kind;
      return _exhaustiveCheck;
    }
  }
}
