/** @module The one error type of user-supplied media: a literal `reason` the caller turns into a 400 naming the part. */

export type MediaErrorReason =
  | "unsupported-url" // not http(s) or data:
  | "blocked-address" // loopback, private, link-local, metadata… (ALLOW_PRIVATE_URLS is off)
  | "unresolvable" // the host name does not resolve
  | "too-many-redirects"
  | "http-status" // the URL answered with a non-2xx status
  | "timeout"
  | "network"
  | "too-large"
  | "over-budget" // the request's media together are larger than MAX_MEDIA_SIZE
  | "not-base64"
  | "bad-data-url"
  | "bad-image"; // looks like an image but its size cannot be read

export class MediaError extends Error {
  readonly reason: MediaErrorReason;
  /** The HTTP status the URL answered with (`http-status` only). */
  readonly status: number | null;

  constructor(reason: MediaErrorReason, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "MediaError";
    this.reason = reason;
    this.status = options.status ?? null;
  }
}

/** A byte limit as people read it: "16 MB (16777216 bytes)". */
export function describeLimit(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB (${bytes} bytes)` : `${bytes} bytes`;
}
