/**
 * @module The edge where facts become statuses: what the pool refused (PoolRefusal) and what the translators refused
 * or found (translate-errors.ts) get their HTTP status and OpenAI error code here, once, for the JSON error and for
 * an in-stream error event alike (the engines' failures have theirs in upstream-failure.ts and codex-failure.ts).
 */
import {
  ApiError,
  AuthenticationError,
  InvalidRequestError,
  ModelNotFoundError,
  RateLimitError,
  UpstreamFailureError,
} from "../errors.ts";
import { PoolRefusal } from "../pool/pool-refusal.ts";
import { InvalidInputError, ReplyFailedError, UnknownModelError } from "../translate/translate-errors.ts";

function ofRefusal({ reason, message }: PoolRefusal): ApiError {
  switch (reason.kind) {
    case "all-resting":
      return new RateLimitError(message, reason.retryAfterSec);
    case "model-not-offered":
      return new ModelNotFoundError(reason.model);
    case "conversation-account-unavailable":
      return new UpstreamFailureError(503, message, { code: "conversation_account_unavailable" });
    case "pool-unavailable":
      return new UpstreamFailureError(503, message, { code: "pool_unavailable" });
    case "missing-key":
    case "wrong-key":
    case "malformed-bearer":
      return new AuthenticationError(message);
    case "refresh-revoked":
      return new AuthenticationError(message, { code: "refresh_token_revoked" });
    case "refresh-spent":
      return new AuthenticationError(message, { code: "refresh_token_spent" });
    case "refresh-unavailable":
      return new UpstreamFailureError(502, message);
    case "refresh-throttled":
    case "session-throttled":
      return new RateLimitError(message, reason.retryAfterSec);
    case "session-dead":
      return new AuthenticationError(message, { code: "session_token_invalid" });
    case "session-unavailable":
      return new UpstreamFailureError(502, message, { code: "session_exchange_failed" });
    default: {
      const _exhaustiveCheck: never = reason;
      return _exhaustiveCheck;
    }
  }
}

/** The ApiError a fact earns; anything else (an ApiError already, or an unexpected error) comes back unchanged. */
export function apiErrorOf(error: unknown): unknown {
  if (error instanceof PoolRefusal) return ofRefusal(error);
  if (error instanceof UnknownModelError) return new ModelNotFoundError(error.model);
  if (error instanceof InvalidInputError) return new InvalidRequestError(error.message, { param: error.param, code: error.code });
  if (error instanceof ReplyFailedError) return new UpstreamFailureError(502, error.message, { code: "upstream_stream_failed" });
  return error;
}
