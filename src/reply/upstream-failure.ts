/**
 * @module What an upstream failure means: for the pool (the attempt's outcome, which decides failover) and for the
 * client (the API error it finally sees, with a message that says what happened and what to try).
 */
import {
  type ApiError,
  AuthenticationError,
  ApiError as BaseApiError,
  PermissionDeniedError,
  RateLimitError,
  UpstreamFailureError,
} from "../errors.ts";
import type { AttemptOutcome } from "../pool/attempt-outcome.ts";
import { UpstreamError } from "../engines/web/errors.ts";

export function outcomeOf(error: UpstreamError, model: string): AttemptOutcome {
  switch (error.kind) {
    case "unauthorized":
      return { type: "unauthorized" };
    case "forbidden":
    case "cloudflare":
    case "unusual-activity":
    case "pow-too-hard":
    case "pow-unsolved":
    case "challenge-unavailable":
    case "anonymous-refused":
      return { type: "blocked", reason: error.kind };
    case "capped":
      return { type: "capped", model, clearsInSec: error.clearsInSec ?? 60 };
    case "rate-limited":
    case "server":
    case "network":
    case "stream":
      return { type: "server-error", status: error.status ?? 0 };
    case "bad-request":
      return { type: "client-error", status: error.status ?? 400 };
    default: {
      const _exhaustiveCheck: never = error.kind;
      return _exhaustiveCheck;
    }
  }
}

/** `pooled`: the credential was a pool account, so a rejected token is our problem, not the caller's. */
export function toApiError(error: UpstreamError, pooled: boolean): ApiError {
  const options = { cause: error };
  switch (error.kind) {
    case "unauthorized":
      return pooled
        ? new UpstreamFailureError(503, `No account in the pool was accepted by ChatGPT: ${error.message}. Check the pool's tokens on the management page.`, options)
        : new AuthenticationError(`ChatGPT rejected your access token (expired or revoked). Sign in again and use a fresh token. ${error.detail ?? ""}`.trim(), {
            code: "invalid_access_token",
            ...options,
          });
    case "capped":
      return new RateLimitError(`${error.message}. It clears in ${error.clearsInSec ?? 60} s; use another model or account meanwhile.`, error.clearsInSec ?? 60, {
        code: "model_cap_exceeded",
        ...options,
      });
    case "rate-limited":
      return new RateLimitError(`${error.message}. Wait a minute before trying again.`, 60, options);
    case "cloudflare":
    case "pow-too-hard":
    case "pow-unsolved":
    case "challenge-unavailable":
      return new UpstreamFailureError(503, error.message, { code: `upstream_${error.kind.replaceAll("-", "_")}`, ...options });
    case "forbidden":
      return new UpstreamFailureError(503, `${error.message}. The account or this server's IP may be blocked; try another account or PROXY_URL.`, {
        code: "upstream_forbidden",
        ...options,
      });
    case "unusual-activity":
      return new UpstreamFailureError(503, error.message, { code: "upstream_unusual_activity", ...options });
    case "anonymous-refused":
      return new PermissionDeniedError(error.message, { code: "anonymous_refused", ...options });
    case "bad-request": {
      const status = error.status === 404 || error.status === 413 || error.status === 422 ? error.status : 400;
      return new BaseApiError(status, "invalid_request_error", error.message, { code: "upstream_rejected", ...options });
    }
    case "server":
    case "network":
    case "stream":
      return new UpstreamFailureError(502, `${error.message} Try again in a moment.`, { code: "upstream_unavailable", ...options });
    default: {
      const _exhaustiveCheck: never = error.kind;
      return _exhaustiveCheck;
    }
  }
}

/** How ChatGPT turns its no-login mode away (a region, an IP, a change of policy): an account is the way out. */
const NO_LOGIN_REFUSALS: ReadonlySet<UpstreamError["kind"]> = new Set(["unauthorized", "forbidden", "unusual-activity"]);

/**
 * The error for a request ChatGPT refused in no-login mode, or null when the failure is of another kind.
 * `emptyPool`: a pool key sent it there because the pool has no account (chat2api's rule), so the way out is to add one.
 */
export function noLoginRefusalError(error: UpstreamError, emptyPool: boolean): ApiError | null {
  if (!NO_LOGIN_REFUSALS.has(error.kind)) return null;
  const said = error.message.replace(/\.$/, "");
  if (emptyPool) {
    return new UpstreamFailureError(
      503,
      `The account pool is empty, so this request was sent in ChatGPT's no-login mode, which ChatGPT refused (${said}). ` +
        "Add an account: POST /tokens/upload with form field text (access or refresh tokens, one per line), or the /tokens page; " +
        "both take the ADMIN_KEY (or a pool key when ADMIN_KEY is unset).",
      { code: "pool_empty", cause: error },
    );
  }
  if (error.kind === "unauthorized") {
    // chat2api's users know a 401 here as "this IP cannot use no-login mode"
    return new AuthenticationError(`ChatGPT refused its no-login mode (${said}). Use a ChatGPT access token as the API key.`, {
      code: "no_login_refused",
      cause: error,
    });
  }
  // a block or throttling of no-login use: the status stays what the same block of an account would get
  const blocked = toApiError(error, false);
  return new BaseApiError(blocked.status, blocked.type, `ChatGPT refused its no-login mode (${said}). Use a ChatGPT access token as the API key, or try again later.`, {
    code: "no_login_refused",
    headers: blocked.headers,
    cause: error,
  });
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
