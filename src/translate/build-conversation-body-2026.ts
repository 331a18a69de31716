/**
 * @module The 2026 conversation bodies (web-2026.md §5, §1.8), made from the 2024 body (build-conversation-body.ts)
 * so one request builds its messages once whichever protocol generation carries it: the write body of
 * `POST f/conversation` and the body of its `f/conversation/prepare`.
 */
import { IMAGE_FALLBACK_SLUG } from "./model-names.ts";
import { type ThinkingEffort, thinkingEffortFor } from "./thinking-effort.ts";

export type { ThinkingEffort } from "./thinking-effort.ts";
export type ClientPrepareState = "none" | "sent" | "success";

/**
 * The 2024 fields no 2026 browser sends (§5.3). `supports_buffering` is not sent either: with it the server may end
 * the stream early and hand the rest of the turn to a WebSocket or resume call, which this client does not follow.
 */
const DROPPED_FIELDS = [
  "force_use_sse",
  "force_paragen",
  "force_paragen_model_slug",
  "force_rate_limit",
  "reset_rate_limits",
  "variant_purpose",
  "websocket_request_id",
  "suggestions",
  "conversation_origin",
  "supports_buffering",
];

/** Fields the prepare call mirrors from the write (§1.8). */
const PREPARE_MIRRORED = [
  "action",
  "parent_message_id",
  "conversation_id",
  "model",
  "timezone_offset_min",
  "timezone",
  "conversation_mode",
  "system_hints",
  "supported_encodings",
  "thinking_effort",
  "history_and_training_disabled",
];

export const APP_NAME = "chatgpt.com";

/** What 2026 peers send for an image turn (§5.5, AU); the 2024 image slug, `gpt-4o`, is likely retired (§9.1). */
const IMAGE_TURN_MODEL = "auto";

export interface Body2026Options {
  /** IANA zone, consistent with the fingerprint's `Date.toString()` (browser-clock.ts). */
  timezone: string;
  /** `getTimezoneOffset()`: minutes WEST of UTC (Los Angeles in summer: 420), unlike the 2024 body's east offset. */
  timezoneOffsetMin: number;
  /** `success` once the conduit was prepared (§5.1); without the field the server may route to a smaller model. */
  clientPrepareState?: ClientPrepareState;
  /** Overrides an effort in the body; either way only standard/extended/max is ever sent. */
  thinkingEffort?: ThinkingEffort | null;
}

/** The `POST f/conversation` body from a 2024 body (§5.1). The input is not changed. */
export function toConversationBody2026(body: Readonly<Record<string, unknown>>, options: Body2026Options): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const field of DROPPED_FIELDS) delete out[field];
  const info = body.client_contextual_info;
  out.client_contextual_info = { ...(info && typeof info === "object" ? info : {}), app_name: APP_NAME };
  out.client_prepare_state = options.clientPrepareState ?? "success";
  out.force_parallel_switch = "auto";
  out.timezone = options.timezone;
  out.timezone_offset_min = options.timezoneOffsetMin;
  const effort = options.thinkingEffort !== undefined ? options.thinkingEffort : thinkingEffortFor(typeof body.thinking_effort === "string" ? body.thinking_effort : null);
  if (effort) out.thinking_effort = effort;
  else delete out.thinking_effort;
  if (!out.supported_encodings) out.supported_encodings = ["v1"];
  const hints = body.system_hints;
  if (body.model === IMAGE_FALLBACK_SLUG && Array.isArray(hints) && hints.includes("picture_v2")) out.model = IMAGE_TURN_MODEL;
  return out;
}

/** The `POST f/conversation/prepare` body for a write body (§1.8): the first call of a turn, state `none`. */
export function conduitPrepareBody(write: Readonly<Record<string, unknown>>, state: ClientPrepareState = "none"): Record<string, unknown> {
  const out: Record<string, unknown> = { action: "next", fork_from_shared_post: false };
  for (const field of PREPARE_MIRRORED) if (write[field] !== undefined) out[field] = write[field];
  out.client_prepare_state = state;
  out.client_contextual_info = { app_name: APP_NAME };
  return out;
}
