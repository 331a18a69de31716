import { describe, expect, test } from "bun:test";
import { createConversationDecoder, type ConversationEncoding, splitJoinedPayloads } from "./conversation-decoder.ts";
import type { SseEvent } from "./delta-v1.ts";

const root = '{"p": "", "o": "add", "v": {"message": {"id": "m-1", "author": {"role": "assistant"}, "content": {"content_type": "text", "parts": [""]}, "status": "in_progress", "end_turn": null, "recipient": "all", "metadata": {}}, "conversation_id": "c-1"}, "c": 0}';

describe("conversation decoder", () => {
  test.each<[string, SseEvent[], ConversationEncoding]>([
    ["nothing yet is legacy", [], "legacy"],
    ["typed events keep it legacy", [{ data: '{"type": "title_generation"}' }, { event: "ping", data: "{}" }], "legacy"],
    ["a delta_encoding event with v1 switches to v1", [{ event: "delta_encoding", data: '"v1"' }], "v1"],
    ["a delta_encoding event with an unknown version stays legacy", [{ event: "delta_encoding", data: '"v2"' }], "legacy"],
    ["a first root add switches to v1", [{ data: root }], "v1"],
    ["a first bare v switches to v1", [{ data: '{"v": "x"}' }], "v1"],
    ["a first p/o line switches to v1", [{ data: '{"p": "/message/status", "o": "remove"}' }], "v1"],
    ["a legacy snapshot with a type does not", [{ data: '{"type": "moderation", "moderation_response": {}}' }], "legacy"],
  ])("%s", (_name, events, expected) => {
    const decoder = createConversationDecoder();
    for (const event of events) decoder.feed(event);
    expect(decoder.encoding).toBe(expected);
  });

  test("once in v1 it stays there and counts malformed deltas", () => {
    const decoder = createConversationDecoder();
    decoder.feed({ event: "delta_encoding", data: '"v1"' });
    decoder.feed({ data: '{"type": "title_generation"}' });
    decoder.feed({ data: '{"p": "/message/x/y", "o": "append", "v": "z"}' });
    expect([decoder.encoding, decoder.errors, decoder.lastError]).toEqual(["v1", 1, "append /message/x/y: there is no document yet"]);
  });

  test("legacy mode never counts errors: unparseable data is simply ignored", () => {
    const decoder = createConversationDecoder();
    expect(decoder.feed({ data: "not json" })).toEqual([]);
    expect(decoder.errors).toBe(0);
  });

  test("remembers the last conversation id an event carried", () => {
    const decoder = createConversationDecoder();
    expect(decoder.conversationId).toBe(null);
    decoder.feed({ data: root });
    decoder.feed({ data: '{"type": "title_generation", "title": "T"}' });
    expect(decoder.conversationId).toBe("c-1");
  });

  test("[DONE] is done in either encoding", () => {
    const decoder = createConversationDecoder();
    expect(decoder.feed({ data: "[DONE]" })).toEqual([{ type: "done" }]);
    decoder.feed({ data: root });
    expect(decoder.feed({ data: " [DONE]" })).toEqual([{ type: "done" }]);
  });
});

describe("two payloads on one line (2026 streams)", () => {
  test("each is decoded: a marker joined with a moderation event still blocks", () => {
    const decoder = createConversationDecoder();
    const marker = JSON.stringify({ type: "message_marker", conversation_id: "c1", message_id: "m1", marker: "last_token", event: "last" });
    const moderation = JSON.stringify({ type: "moderation", conversation_id: "c1", message_id: "m1", is_completion: false, moderation_response: { flagged: true, blocked: true } });
    const events = decoder.feed({ event: undefined, data: `${marker}data: ${moderation}` });
    expect(events.map((e) => e.type)).toContain("moderation");
  });

  test("a `}data:` inside a JSON string is text, not a boundary", () => {
    expect(splitJoinedPayloads(JSON.stringify({ text: '{"a":1}data: {"b":2}' }))).toBeNull();
    expect(splitJoinedPayloads('{"a":1}data: {"b":2}')).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitJoinedPayloads('{"a":1}data: {broken')).toBeNull();
  });
});
