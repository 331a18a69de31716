/** @module The JSON body of `POST /backend-api/conversation`, field for field as the web app sends it (protocol §5.1). */
import type { ResolvedModel } from "./model-names.ts";
import type { UpstreamMessageInput } from "./to-upstream-messages.ts";

export interface ClientContextualInfo {
  is_dark_mode: boolean;
  time_since_loaded: number;
  page_height: number;
  page_width: number;
  pixel_ratio: number;
  screen_height: number;
  screen_width: number;
}

export type ConversationMode = { kind: "primary_assistant" } | { kind: "gizmo_interaction"; gizmo_id: string };

export interface ConversationRequestBody {
  action: "next";
  client_contextual_info: ClientContextualInfo;
  conversation_mode: ConversationMode;
  enable_message_followups: boolean;
  force_paragen: boolean;
  force_paragen_model_slug: string;
  force_rate_limit: boolean;
  force_use_sse: true;
  messages: UpstreamMessageInput[];
  model: string;
  paragen_cot_summary_display_override: "allow";
  parent_message_id: string;
  supported_encodings: ["v1"];
  system_hints: string[];
  timezone: string;
  timezone_offset_min: number;
  variant_purpose: "comparison_implicit";
  conversation_id?: string;
  history_and_training_disabled?: true;
}

export interface BuildConversationBodyInput {
  messages: UpstreamMessageInput[];
  model: ResolvedModel;
  parentMessageId?: string;
  conversationId?: string;
  historyDisabled: boolean;
  /** In [0, 1): the browser-looking numbers of client_contextual_info are drawn from it. */
  random: () => number;
  timezone?: string;
  /** Minutes east of UTC (-480 for Los Angeles in winter), i.e. `-new Date().getTimezoneOffset()`. */
  timezoneOffsetMin?: number;
}

/** The parent of the first message of a new conversation, as the web app has sent it since 2024. */
const ROOT_PARENT = "client-created-root";
const PICTURE_HINT = "picture_v2";

function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function withPictureHint(messages: UpstreamMessageInput[]): UpstreamMessageInput[] {
  const last = messages.at(-1);
  if (!last) return messages;
  return [...messages.slice(0, -1), { ...last, metadata: { ...last.metadata, system_hints: [PICTURE_HINT] } }];
}

export function buildConversationBody(input: BuildConversationBodyInput): ConversationRequestBody {
  const { model, random } = input;
  const body: ConversationRequestBody = {
    action: "next",
    client_contextual_info: {
      is_dark_mode: false,
      time_since_loaded: randomInt(random, 50, 500),
      page_height: randomInt(random, 500, 1000),
      page_width: randomInt(random, 1000, 2000),
      pixel_ratio: 1,
      screen_height: 1440,
      screen_width: 2560,
    },
    conversation_mode: model.gizmoId ? { kind: "gizmo_interaction", gizmo_id: model.gizmoId } : { kind: "primary_assistant" },
    enable_message_followups: false,
    force_paragen: false,
    force_paragen_model_slug: "",
    force_rate_limit: false,
    force_use_sse: true,
    messages: model.imageGeneration ? withPictureHint(input.messages) : input.messages,
    model: model.upstreamSlug,
    paragen_cot_summary_display_override: "allow",
    parent_message_id: input.parentMessageId ?? ROOT_PARENT,
    supported_encodings: ["v1"],
    system_hints: model.imageGeneration ? [PICTURE_HINT] : [],
    timezone: input.timezone ?? "America/Los_Angeles",
    timezone_offset_min: input.timezoneOffsetMin ?? -480,
    variant_purpose: "comparison_implicit",
  };
  if (input.conversationId !== undefined) body.conversation_id = input.conversationId;
  if (input.historyDisabled) body.history_and_training_disabled = true;
  return body;
}
