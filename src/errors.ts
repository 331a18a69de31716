/**
 * @module The API's error hierarchy: every failure a client sees is one of these, rendered by `app.ts` as
 * OpenAI's `{"error":{"message","type","param","code"}}` with the class's status.
 */

export type ApiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "server_error"
  | "upstream_error";

export interface ApiErrorOptions {
  param?: string | null;
  code?: string | null;
  /** Extra response headers (`Retry-After`, `x-should-retry`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, type: ApiErrorType, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.type = type;
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export class InvalidRequestError extends ApiError {
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(400, "invalid_request_error", message, options);
  }
}

export class AuthenticationError extends ApiError {
  constructor(message = "Incorrect API key provided.", options: ApiErrorOptions = {}) {
    super(401, "invalid_request_error", message, { code: "invalid_api_key", ...options });
  }
}

export class PermissionDeniedError extends ApiError {
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(403, "permission_error", message, options);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(404, "invalid_request_error", message, options);
  }
}

export class ModelNotFoundError extends NotFoundError {
  constructor(model: string) {
    super(`The model \`${model}\` does not exist or you do not have access to it.`, {
      param: "model",
      code: "model_not_found",
    });
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, "invalid_request_error", `Request body too large: the limit is ${limitBytes} bytes.`, {
      code: "request_too_large",
    });
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(message: string) {
    super(415, "invalid_request_error", message, { code: "unsupported_media_type" });
  }
}

export class RateLimitError extends ApiError {
  /** Seconds until the caller may try again, sent as `Retry-After`. */
  readonly retryAfterSec: number;

  constructor(message: string, retryAfterSec: number, options: ApiErrorOptions = {}) {
    const retryAfter = String(Math.max(1, Math.ceil(retryAfterSec)));
    super(429, "rate_limit_error", message, {
      code: "rate_limit_exceeded",
      ...options,
      headers: { "retry-after": retryAfter, ...options.headers },
    });
    this.retryAfterSec = retryAfterSec;
  }
}

/** The upstream refused or failed in a way the caller cannot fix by retrying at once (Cloudflare, PoW, outage). */
export class UpstreamFailureError extends ApiError {
  constructor(status: 502 | 503 | 504, message: string, options: ApiErrorOptions = {}) {
    super(status, "upstream_error", message, {
      ...options,
      // openai-node retries every 5xx three times unless told otherwise; these do not clear in seconds
      headers: { "x-should-retry": "false", ...options.headers },
    });
  }
}

export class InternalError extends ApiError {
  constructor(message = "The server had an error while processing your request.", options: ApiErrorOptions = {}) {
    super(500, "server_error", message, options);
  }
}
