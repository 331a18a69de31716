import { describe, expect, test } from "bun:test";
import { buildConversationBody, type ConversationRequestBody } from "./build-conversation-body.ts";
import { resolveModel } from "./model-names.ts";
import type { UpstreamMessageInput } from "./to-upstream-messages.ts";

const system: UpstreamMessageInput = { id: "m-1", author: { role: "system" }, content: { content_type: "text", parts: ["sys"] }, metadata: {} };
const user: UpstreamMessageInput = { id: "m-2", author: { role: "user" }, content: { content_type: "text", parts: ["hi"] }, metadata: {} };
const messages = [system, user];

const base: ConversationRequestBody = {
  action: "next",
  client_contextual_info: {
    is_dark_mode: false,
    time_since_loaded: 275,
    page_height: 750,
    page_width: 1500,
    pixel_ratio: 1,
    screen_height: 1440,
    screen_width: 2560,
  },
  conversation_mode: { kind: "primary_assistant" },
  enable_message_followups: false,
  force_paragen: false,
  force_paragen_model_slug: "",
  force_rate_limit: false,
  force_use_sse: true,
  messages,
  model: "gpt-4o",
  paragen_cot_summary_display_override: "allow",
  parent_message_id: "client-created-root",
  supported_encodings: ["v1"],
  system_hints: [],
  timezone: "America/Los_Angeles",
  timezone_offset_min: -480,
  variant_purpose: "comparison_implicit",
};

const half = () => 0.5;

describe("buildConversationBody", () => {
  test("a new conversation with history on: the §5.1 body, no history flag, no conversation_id", () => {
    expect(buildConversationBody({ messages, model: resolveModel("gpt-4o"), historyDisabled: false, random: half })).toEqual(base);
  });

  test("history disabled, a continued conversation and a timezone", () => {
    const body = buildConversationBody({
      messages,
      model: resolveModel("gpt-4o"),
      historyDisabled: true,
      parentMessageId: "p-9",
      conversationId: "c-9",
      timezone: "Europe/Paris",
      timezoneOffsetMin: 60,
      random: half,
    });
    expect(body).toEqual({
      ...base,
      parent_message_id: "p-9",
      conversation_id: "c-9",
      history_and_training_disabled: true,
      timezone: "Europe/Paris",
      timezone_offset_min: 60,
    });
  });

  test("a GPT uses gizmo_interaction", () => {
    const body = buildConversationBody({ messages, model: resolveModel("gpt-4-gizmo-g-abc"), historyDisabled: false, random: half });
    expect(body.conversation_mode).toEqual({ kind: "gizmo_interaction", gizmo_id: "g-abc" });
  });

  test("image generation hints picture_v2 on the body and the last message only", () => {
    const body = buildConversationBody({ messages, model: resolveModel("gpt-4o-image"), historyDisabled: false, random: half });
    expect(body.system_hints).toEqual(["picture_v2"]);
    expect(body.messages).toEqual([system, { ...user, metadata: { system_hints: ["picture_v2"] } }]);
    expect(user.metadata).toEqual({});
  });

  test.each([
    [0, { time_since_loaded: 50, page_height: 500, page_width: 1000 }],
    [0.999999, { time_since_loaded: 500, page_height: 1000, page_width: 2000 }],
  ])("random %p gives the bounds of the browser numbers", (value, expected) => {
    const { client_contextual_info: info } = buildConversationBody({
      messages,
      model: resolveModel("gpt-4o"),
      historyDisabled: false,
      random: () => value,
    });
    expect({ time_since_loaded: info.time_since_loaded, page_height: info.page_height, page_width: info.page_width }).toEqual(expected);
  });
});
