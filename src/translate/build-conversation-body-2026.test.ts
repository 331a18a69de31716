import { describe, expect, test } from "bun:test";
import { buildConversationBody } from "./build-conversation-body.ts";
import { conduitPrepareBody, toConversationBody2026 } from "./build-conversation-body-2026.ts";
import { resolveModel } from "./model-names.ts";
import type { UpstreamMessageInput } from "./to-upstream-messages.ts";

const user: UpstreamMessageInput = { id: "m-2", author: { role: "user" }, content: { content_type: "text", parts: ["hi"] }, metadata: {} };
const la = { timezone: "America/Los_Angeles", timezoneOffsetMin: 420 };
const body2024 = (extra: Partial<Parameters<typeof buildConversationBody>[0]> = {}) =>
  buildConversationBody({ messages: [user], model: resolveModel("gpt-4o"), historyDisabled: false, random: () => 0.5, ...extra }) as unknown as Record<string, unknown>;

describe("toConversationBody2026", () => {
  test("the §5.1 write body: 2024-only fields gone, the 2026 fields in, the browser's offset sign", () => {
    expect(toConversationBody2026(body2024(), la)).toEqual({
      action: "next",
      messages: [user],
      model: "gpt-4o",
      parent_message_id: "client-created-root",
      client_prepare_state: "success",
      timezone_offset_min: 420,
      timezone: "America/Los_Angeles",
      conversation_mode: { kind: "primary_assistant" },
      enable_message_followups: false,
      system_hints: [],
      supported_encodings: ["v1"],
      client_contextual_info: {
        is_dark_mode: false,
        time_since_loaded: 275,
        page_height: 750,
        page_width: 1500,
        pixel_ratio: 1,
        screen_height: 1440,
        screen_width: 2560,
        app_name: "chatgpt.com",
      },
      paragen_cot_summary_display_override: "allow",
      force_parallel_switch: "auto",
    });
  });

  test("a continued, temporary chat keeps its conversation, parent and history flag; the input is left as it was", () => {
    const input = body2024({ conversationId: "c-1", parentMessageId: "p-1", historyDisabled: true });
    const before = structuredClone(input);
    expect(toConversationBody2026(input, la)).toMatchObject({ conversation_id: "c-1", parent_message_id: "p-1", history_and_training_disabled: true });
    expect(input).toEqual(before);
  });

  test.each([
    ["high", undefined, "extended"],
    ["low", undefined, "standard"],
    ["max", undefined, "max"],
    ["bogus", undefined, undefined],
    [undefined, "extended" as const, "extended"],
    ["high", null, undefined],
  ])("thinking_effort %p in the body with option %p is sent as %p", (inBody, option, sent) => {
    const input = { ...body2024(), ...(inBody === undefined ? {} : { thinking_effort: inBody }) };
    const out = toConversationBody2026(input, { ...la, ...(option === undefined ? {} : { thinkingEffort: option }) });
    expect(out.thinking_effort).toBe(sent);
  });

  test("never any of the fields the 2026 server no longer takes", () => {
    const out = toConversationBody2026({ ...body2024(), suggestions: [], websocket_request_id: "w", supports_buffering: true, conversation_origin: null }, la);
    expect(Object.keys(out).filter((key) => /force_use_sse|force_paragen|force_rate_limit|variant_purpose|websocket_request_id|suggestions|conversation_origin|supports_buffering/.test(key))).toEqual([]);
  });

  test("an image turn on the 2024 image slug goes as auto (§5.5); one on a model of its own keeps it, and so does plain gpt-4o chat", () => {
    const model = (name: string) => toConversationBody2026(body2024({ model: resolveModel(name) }), la).model;
    expect([model("gpt-image-1"), model("gpt-4o-image"), model("gpt-5-6-image"), model("gpt-4o")]).toEqual(["auto", "auto", "gpt-5-6", "gpt-4o"]);
  });
});

describe("conduitPrepareBody", () => {
  test("mirrors the write's model, conversation, zone and hints, with state none and only the app name as context", () => {
    const write = toConversationBody2026(body2024({ conversationId: "c-1", parentMessageId: "p-1", historyDisabled: true }), { ...la, thinkingEffort: "max" });
    expect(conduitPrepareBody(write)).toEqual({
      action: "next",
      fork_from_shared_post: false,
      parent_message_id: "p-1",
      conversation_id: "c-1",
      model: "gpt-4o",
      timezone_offset_min: 420,
      timezone: "America/Los_Angeles",
      conversation_mode: { kind: "primary_assistant" },
      system_hints: [],
      supported_encodings: ["v1"],
      thinking_effort: "max",
      history_and_training_disabled: true,
      client_prepare_state: "none",
      client_contextual_info: { app_name: "chatgpt.com" },
    });
    expect(conduitPrepareBody(write, "success").client_prepare_state).toBe("success");
  });
});

