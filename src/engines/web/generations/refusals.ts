/**
 * @module What a 403 "Unusual activity" means depends on who asked and what was withheld (web-2026.md §1.2, §4.2,
 * §9.3): for no-login mode it is ChatGPT refusing anonymous use as a whole (since 2026-03-24 for every non-browser
 * client), which no retry fixes; for an account that was asked for a Turnstile token we had no solver for, it is
 * the missing token, and the fix is a setting.
 */
import { UpstreamError } from "../errors.ts";
import type { UpstreamSession } from "../session.ts";

const UNUSUAL_ACTIVITY = /unusual activity/i;

export interface RefusalContext {
  session: UpstreamSession;
  /** The upstream asked for a Turnstile token and none was sent (no TURNSTILE_SOLVER_URL). */
  turnstileWithheld: boolean;
}

/** The error to report instead of `error`, or `error` itself when it is not one of these refusals. */
export function explainRefusal(error: unknown, context: RefusalContext): unknown {
  if (!(error instanceof UpstreamError) || error.status !== 403) return error;
  const detail = error.detail ?? "";
  const unusual = UNUSUAL_ACTIVITY.test(detail);
  if (unusual && context.session.identity.accessToken === null) {
    const withheld = context.turnstileWithheld ? " It had also asked for a Turnstile token, which was not sent because TURNSTILE_SOLVER_URL is not set." : "";
    return new UpstreamError(
      "anonymous-refused",
      `ChatGPT refuses to answer without an account (no-login mode): it said "${detail}".${withheld} Use a ChatGPT access token as the API key, or add an account to the pool.`,
      { status: 403, detail, cause: error },
    );
  }
  // the write's "Unusual activity", or finalize naming the missing answer
  if (context.turnstileWithheld && (unusual || /turnstile/i.test(detail))) {
    return new UpstreamError(
      "challenge-unavailable",
      `ChatGPT asked for a Turnstile token and refused the request without one (HTTP 403: ${detail}). Set TURNSTILE_SOLVER_URL to a Turnstile token service.`,
      { status: 403, detail, cause: error },
    );
  }
  return error;
}

/** A `force_login: true` from the sentinel to a no-login caller: ChatGPT wants an account (web-2026.md §1.2). */
export function forceLoginError(): UpstreamError {
  return new UpstreamError(
    "anonymous-refused",
    "ChatGPT refuses to answer without an account (no-login mode): its sentinel asked to log in. Use a ChatGPT access token as the API key, or add an account to the pool.",
    { status: 403 },
  );
}
