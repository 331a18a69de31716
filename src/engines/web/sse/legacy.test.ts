import { describe, expect, test } from "bun:test";
import type { UpstreamEvent, UpstreamMessage } from "../events.ts";
import { createLegacyDecoder } from "./legacy.ts";

const message: UpstreamMessage = {
  id: "m-1",
  author: { role: "assistant", name: null, metadata: {} },
  content: { content_type: "text", parts: ["Hello"] },
  status: "in_progress",
  end_turn: null,
  recipient: "all",
  metadata: { model_slug: "gpt-4o" },
};

describe("legacy decoder", () => {
  test.each<[string, string, UpstreamEvent[]]>([
    ["[DONE] is done", "[DONE]", [{ type: "done" }]],
    ["a snapshot is a message event", JSON.stringify({ message, conversation_id: "c-1", error: null }), [{ type: "message", message, conversationId: "c-1" }]],
    ["a snapshot without conversation_id has a null conversationId", JSON.stringify({ message }), [{ type: "message", message, conversationId: null }]],
    [
      "a blocking moderation verdict is blocked",
      '{"type": "moderation", "moderation_response": {"flagged": true, "blocked": true}, "conversation_id": "c-1"}',
      [{ type: "moderation", conversationId: "c-1", blocked: true, data: { type: "moderation", moderation_response: { flagged: true, blocked: true }, conversation_id: "c-1" } }],
    ],
    [
      "a flag without block is not blocked",
      '{"type": "moderation", "moderation_response": {"flagged": true, "blocked": "yes"}}',
      [{ type: "moderation", conversationId: null, blocked: false, data: { type: "moderation", moderation_response: { flagged: true, blocked: "yes" } } }],
    ],
    ["a null message with an error string is an error", '{"message": null, "conversation_id": "c-1", "error": "Something went wrong"}', [{ type: "error", conversationId: "c-1", message: "Something went wrong" }]],
    ["an absent message with an error object shows its message", '{"error": {"message": "Too many requests", "code": "rate_limited"}}', [{ type: "error", conversationId: null, message: "Too many requests" }]],
    ["an error object with a detail shows the detail", '{"message": null, "error": {"detail": "Unusual activity"}}', [{ type: "error", conversationId: null, message: "Unusual activity" }]],
    ["an error object without text is shown as JSON", '{"message": null, "error": {"code": 42}}', [{ type: "error", conversationId: null, message: '{"code":42}' }]],
    ["error: true gets a generic text", '{"message": null, "error": true}', [{ type: "error", conversationId: null, message: "the upstream reported an error without details" }]],
    ["a falsy error is no error", '{"message": null, "conversation_id": "c-1", "error": ""}', []],
    [
      "another typed event is metadata",
      '{"type": "title_generation", "title": "Greeting", "conversation_id": "c-1"}',
      [{ type: "metadata", name: "title_generation", data: { type: "title_generation", title: "Greeting", conversation_id: "c-1" } }],
    ],
    ["an object without message, error or type is ignored", '{"conversation_id": "c-1"}', []],
    ["a JSON string is ignored", '"v1"', []],
    ["a JSON array is ignored", "[1, 2]", []],
    ["unparseable data is ignored", '{"message": {"id": ', []],
    ["an empty payload is ignored", "", []],
    ["a message without content is ignored", '{"message": {"id": "m-1", "author": {"role": "assistant"}}}', []],
    ["a text message whose parts are not strings is ignored", '{"message": {"id": "m-1", "author": {"role": "assistant"}, "content": {"content_type": "text", "parts": [1]}}}', []],
  ])("%s", (_name, data, expected) => {
    expect(createLegacyDecoder().feed(data)).toEqual(expected);
  });

  test("a message lacking status, end_turn, recipient and metadata gets them filled in", () => {
    const data = '{"message": {"id": "m-1", "author": {"role": "tool", "name": "python"}, "content": {"content_type": "execution_output", "text": "42"}, "weight": 1.0}}';
    expect(createLegacyDecoder().feed(data)).toEqual([
      {
        type: "message",
        conversationId: null,
        message: {
          id: "m-1",
          author: { role: "tool", name: "python" },
          content: { content_type: "execution_output", text: "42" },
          weight: 1.0,
          status: "in_progress",
          end_turn: null,
          recipient: "all",
          metadata: {},
        } as UpstreamMessage,
      },
    ]);
  });

  test("a message with content of an unknown type is kept as it came", () => {
    const unknownContent = { ...message, content: { content_type: "tether_quote", url: "https://example.org", text: "quote" } };
    expect(createLegacyDecoder().feed(JSON.stringify({ message: unknownContent }))).toEqual([
      { type: "message", message: unknownContent, conversationId: null },
    ]);
  });
});
