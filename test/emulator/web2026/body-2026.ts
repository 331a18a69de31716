/**
 * @module The 2026 additions to the conversation body (web-2026.md §5.1, §5.4, §10 items 15–17): the enums a real
 * server answers 422 `Invalid conversation body` for, and the types of the new browser fields. The shapes shared
 * with 2024 (messages, model, conversation, files) stay in ../conversation-body.ts.
 */
import { detail, isRecord } from "../http.ts";

export const THINKING_EFFORTS = new Set(["standard", "extended", "max"]);
export const PREPARE_STATES = new Set(["none", "sent", "success"]);
const ACTIONS = new Set(["next", "continue", "variant"]);

/** What AU observed for a bad enum value: a plain string detail, not FastAPI's list. */
function invalidBody(): never {
  throw detail(422, "Invalid conversation body");
}

const FIELD_TYPES: Record<string, (value: unknown) => boolean> = {
  supports_buffering: (v) => typeof v === "boolean",
  enable_message_followups: (v) => typeof v === "boolean",
  force_parallel_switch: (v) => typeof v === "string",
  paragen_cot_summary_display_override: (v) => typeof v === "string",
  client_contextual_info: (v) => isRecord(v) && (v.app_name === undefined || typeof v.app_name === "string"),
};

/** `thinking_effort` and `client_prepare_state`, present on both the conduit prepare and the write. */
export function checkEnums2026(body: Record<string, unknown>): void {
  if ("thinking_effort" in body && !THINKING_EFFORTS.has(body.thinking_effort as string)) invalidBody();
  if ("client_prepare_state" in body && !PREPARE_STATES.has(body.client_prepare_state as string)) invalidBody();
}

/** The write's 2026-only rules; run before the shared validation. */
export function checkWriteBody2026(body: Record<string, unknown>): void {
  checkEnums2026(body);
  for (const [key, check] of Object.entries(FIELD_TYPES)) if (key in body && !check(body[key])) invalidBody();
}

/** `f/conversation/prepare` needs `action`, `model` and `parent_message_id` (§1.8). */
export function checkPrepareBody(body: Record<string, unknown>): void {
  if (typeof body.action !== "string" || !ACTIONS.has(body.action)) invalidBody();
  if (typeof body.model !== "string" || body.model === "") invalidBody();
  if (typeof body.parent_message_id !== "string" || body.parent_message_id === "") invalidBody();
  if ("conversation_id" in body && body.conversation_id !== null && typeof body.conversation_id !== "string") invalidBody();
  checkEnums2026(body);
}
