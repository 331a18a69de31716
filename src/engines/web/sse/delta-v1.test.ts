import { describe, expect, test } from "bun:test";
import type { UpstreamEvent, UpstreamMessage } from "../events.ts";
import { createDeltaV1Decoder, type DeltaV1Decoder } from "./delta-v1.ts";

function message(id: string, text = "", overrides: Partial<UpstreamMessage> = {}): UpstreamMessage {
  return {
    id,
    author: { role: "assistant", name: null, metadata: {} },
    content: { content_type: "text", parts: [text] },
    status: "in_progress",
    end_turn: null,
    recipient: "all",
    metadata: { model_slug: "gpt-4o" },
    ...overrides,
  };
}

function install(c: number, id: string): string {
  return JSON.stringify({ p: "", o: "add", v: { message: message(id), conversation_id: "c-1", error: null }, c });
}

function feedAll(decoder: DeltaV1Decoder, lines: string[]): UpstreamEvent[] {
  return lines.flatMap((data) => decoder.feed({ event: "delta", data }));
}

/** `id: text` of each message event, `type` of the others: enough to see which document changed how. */
function summary(events: UpstreamEvent[]): string[] {
  return events.map((event) => {
    if (event.type !== "message") return event.type;
    const { content } = event.message;
    const text = "parts" in content && Array.isArray(content.parts) ? content.parts.join("|") : JSON.stringify(content);
    return `${event.message.id}: ${text}`;
  });
}

const append = (v: string) => JSON.stringify({ p: "/message/content/parts/0", o: "append", v });

describe("delta v1 decoder", () => {
  test("a root add with c installs the document and emits its snapshot", () => {
    const decoder = createDeltaV1Decoder();
    expect(decoder.feed({ event: "delta", data: install(0, "m-1") })).toEqual([{ type: "message", message: message("m-1"), conversationId: "c-1" }]);
  });

  test("bare v lines reuse the sticky p and o, and every delta emits the whole text so far", () => {
    const decoder = createDeltaV1Decoder();
    const events = feedAll(decoder, [install(0, "m-1"), append("Hel"), '{"v": "lo"}', '{"v": ", 世界"}']);
    expect(summary(events)).toEqual(["m-1: ", "m-1: Hel", "m-1: Hello", "m-1: Hello, 世界"]);
    expect(decoder.errors).toBe(0);
  });

  test("a line with only o keeps the sticky p", () => {
    const decoder = createDeltaV1Decoder();
    const events = feedAll(decoder, [install(0, "m-1"), append("Hello"), '{"o": "truncate", "v": 2}', '{"o": "append", "v": "y"}']);
    expect(summary(events)).toEqual(["m-1: ", "m-1: Hello", "m-1: He", "m-1: Hey"]);
  });

  test("operations inside a patch leave the sticky p and o alone, the patch line's own p and o replace them", () => {
    const decoder = createDeltaV1Decoder();
    const patch = JSON.stringify({ p: "", o: "patch", v: [{ p: "/message/content/parts/0", o: "append", v: "b" }] });
    // After the patch, sticky is p "" / o "patch": a bare string v is a malformed patch, not an append.
    const events = feedAll(decoder, [install(0, "m-1"), append("a"), patch, '{"v": "c"}', '{"o": "append", "v": {"conversation_id": "c-2"}}']);
    expect(summary(events)).toEqual(["m-1: ", "m-1: a", "m-1: ab", "m-1: ab"]);
    expect(events.at(-1)).toEqual({ type: "message", message: message("m-1", "ab"), conversationId: "c-2" });
    expect(decoder.errors).toBe(1);
  });

  test("a patch applies its operations in order and emits one snapshot", () => {
    const decoder = createDeltaV1Decoder();
    const patch = JSON.stringify({
      p: "",
      o: "patch",
      v: [
        { p: "/message/content/parts/0", o: "append", v: "!" },
        { p: "/message/status", o: "replace", v: "finished_successfully" },
        { p: "/message/end_turn", o: "replace", v: true },
        { p: "/message/metadata", o: "append", v: { is_complete: true, finish_details: { type: "stop" } } },
      ],
    });
    const events = feedAll(decoder, [install(0, "m-1"), append("Hi"), patch]);
    expect(events.at(-1)).toEqual({
      type: "message",
      conversationId: "c-1",
      message: message("m-1", "Hi!", {
        status: "finished_successfully",
        end_turn: true,
        metadata: { model_slug: "gpt-4o", is_complete: true, finish_details: { type: "stop" } },
      }),
    });
    expect(events.length).toBe(3);
  });

  test("a patch with a bad operation still applies the others and counts the bad one", () => {
    const decoder = createDeltaV1Decoder();
    const patch = JSON.stringify({
      p: "",
      o: "patch",
      v: [{ p: "/message/nope/x", o: "append", v: "?" }, { o: "replace", v: 1 }, { p: "/message/status", o: "replace", v: "finished_successfully" }],
    });
    const events = feedAll(decoder, [install(0, "m-1"), patch]);
    expect(events.at(-1)).toEqual({ type: "message", conversationId: "c-1", message: message("m-1", "", { status: "finished_successfully" }) });
    expect(decoder.errors).toBe(2);
  });

  test("c on a patch line switches to that document before applying the patch", () => {
    const decoder = createDeltaV1Decoder();
    const patch = JSON.stringify({ c: 0, p: "", o: "patch", v: [{ p: "/message/content/parts/0", o: "append", v: " done" }] });
    const events = feedAll(decoder, [install(0, "m-1"), append("first"), install(1, "m-2"), append("second"), patch, '{"c": 1, "o": "append", "p": "/message/content/parts/0", "v": "!"}', '{"v": "!"}']);
    expect(summary(events)).toEqual(["m-1: ", "m-1: first", "m-2: ", "m-2: second", "m-1: first done", "m-2: second!", "m-2: second!!"]);
  });

  test("a bare c only switches documents", () => {
    const decoder = createDeltaV1Decoder();
    const events = feedAll(decoder, [install(0, "m-1"), install(1, "m-2"), append("to m-2"), '{"c": 0}', '{"v": " to m-1"}']);
    expect(summary(events)).toEqual(["m-1: ", "m-2: ", "m-2: to m-2", "m-1:  to m-1"]);
  });

  test("c with an object v and no p or o installs a document whatever the sticky values", () => {
    const decoder = createDeltaV1Decoder();
    const bare = JSON.stringify({ v: { message: message("m-2"), conversation_id: "c-1", error: null }, c: 1 });
    const events = feedAll(decoder, [install(0, "m-1"), append("x"), bare, '{"v": "y"}']);
    expect(summary(events)).toEqual(["m-1: ", "m-1: x", "m-2: ", "m-2: y"]);
  });

  test("remove needs no v", () => {
    const decoder = createDeltaV1Decoder();
    const events = feedAll(decoder, [install(0, "m-1"), '{"p": "/message/metadata/model_slug", "o": "remove"}']);
    expect(events.at(-1)).toEqual({ type: "message", conversationId: "c-1", message: message("m-1", "", { metadata: {} }) });
  });

  test("a document whose message is replaced by null with an error emits an error", () => {
    const decoder = createDeltaV1Decoder();
    const patch = JSON.stringify({ p: "", o: "patch", v: [{ p: "/message", o: "replace", v: null }, { p: "/error", o: "replace", v: "boom" }] });
    expect(feedAll(decoder, [install(0, "m-1"), patch]).at(-1)).toEqual({ type: "error", conversationId: "c-1", message: "boom" });
  });

  test.each<[string, string, UpstreamEvent[]]>([
    ["[DONE] is done", "[DONE]", [{ type: "done" }]],
    ["the delta_encoding payload yields nothing", '"v1"', []],
    [
      "a typed event is metadata",
      '{"type": "title_generation", "title": "Greeting", "conversation_id": "c-1"}',
      [{ type: "metadata", name: "title_generation", data: { type: "title_generation", title: "Greeting", conversation_id: "c-1" } }],
    ],
    [
      "a moderation event is moderation",
      '{"type": "moderation", "moderation_response": {"blocked": true}}',
      [{ type: "moderation", conversationId: null, blocked: true, data: { type: "moderation", moderation_response: { blocked: true } } }],
    ],
    ["an error object is an error", '{"message": null, "conversation_id": "c-1", "error": "busy"}', [{ type: "error", conversationId: "c-1", message: "busy" }]],
    ["a whole legacy snapshot is a message", JSON.stringify({ message: message("m-9", "legacy"), conversation_id: "c-1" }), [{ type: "message", message: message("m-9", "legacy"), conversationId: "c-1" }]],
  ])("%s", (_name, data, expected) => {
    const decoder = createDeltaV1Decoder();
    expect(decoder.feed({ data })).toEqual(expected);
    expect(decoder.errors).toBe(0);
  });

  test("the delta_encoding event itself yields nothing", () => {
    expect(createDeltaV1Decoder().feed({ event: "delta_encoding", data: '"v1"' })).toEqual([]);
  });

  test.each<[string, string]>([
    ["data that is not JSON", '{"p": "/message'],
    ["a JSON value that is not an object", "42"],
    ["an unknown operation", '{"p": "/message/status", "o": "move", "v": "x"}'],
    ["a path that is not a JSON pointer", '{"p": "message/status", "o": "replace", "v": "x"}'],
    ["a path that does not exist", '{"p": "/message/nope/deeper", "o": "append", "v": "x"}'],
    ["an append of a number to a string", '{"p": "/message/content/parts/0", "o": "append", "v": 5}'],
    ["a patch whose v is not a list", '{"p": "", "o": "patch", "v": "x"}'],
    ["a patch operation without o", '{"p": "", "o": "patch", "v": [{"p": "/message/status", "v": "x"}]}'],
    ["a c that is neither number nor string", '{"c": true, "v": "x"}'],
    ["a p that is not a string", '{"p": 3, "o": "append", "v": "x"}'],
    ["an o that is not a string", '{"p": "/message/status", "o": ["add"], "v": "x"}'],
  ])("%s is skipped and counted, and the document is kept", (_name, data) => {
    const decoder = createDeltaV1Decoder();
    feedAll(decoder, [install(0, "m-1")]);
    expect(decoder.feed({ event: "delta", data })).toEqual([]);
    expect(decoder.errors).toBe(1);
    expect(summary(feedAll(decoder, [append("still here")]))).toEqual(["m-1: still here"]);
  });

  test("a change that leaves an invalid message emits nothing, is counted, and the next valid state is emitted", () => {
    const decoder = createDeltaV1Decoder();
    const events = feedAll(decoder, [
      install(0, "m-1"),
      '{"p": "/message/content/content_type", "o": "replace", "v": "code"}',
      '{"p": "/message/content/text", "o": "add", "v": "print(1)"}',
    ]);
    expect(events).toEqual([
      { type: "message", message: message("m-1"), conversationId: "c-1" },
      { type: "message", message: message("m-1", "", { content: { content_type: "code", parts: [""], text: "print(1)" } }), conversationId: "c-1" },
    ]);
    expect(decoder.errors).toBe(1);
  });

  test("a root add of something other than an object is counted", () => {
    const decoder = createDeltaV1Decoder();
    expect(feedAll(decoder, ['{"p": "", "o": "add", "v": "text", "c": 0}'])).toEqual([]);
    expect(decoder.errors).toBe(1);
  });

  test("a bare v before any p and o is counted", () => {
    const decoder = createDeltaV1Decoder();
    expect(feedAll(decoder, [install(0, "m-1"), '{"v": "x"}']).length).toBe(1);
    expect(decoder.errors).toBe(1);
  });

  test("a delta before any document is counted", () => {
    const decoder = createDeltaV1Decoder();
    expect(feedAll(decoder, [append("x")])).toEqual([]);
    expect(decoder.errors).toBe(1);
  });

  test("lastError names the operation and path, never the value", () => {
    const decoder = createDeltaV1Decoder();
    feedAll(decoder, [install(0, "m-1"), '{"p": "/message/content/parts/0", "o": "append", "v": 424242}']);
    expect(decoder.lastError).toBe("append /message/content/parts/0: cannot append a number to a string");
  });

  test("a snapshot stays as it was after later deltas, and cannot be mutated", () => {
    const decoder = createDeltaV1Decoder();
    const [first] = feedAll(decoder, [install(0, "m-1")]);
    feedAll(decoder, [append("later"), '{"p": "/message/status", "o": "replace", "v": "finished_successfully"}']);
    expect(first).toEqual({ type: "message", message: message("m-1"), conversationId: "c-1" });
    if (first?.type !== "message") throw new Error("expected a message event");
    const { content } = first.message;
    expect("parts" in content && Array.isArray(content.parts) && Object.isFrozen(content.parts) && Object.isFrozen(first.message)).toBe(true);
  });

  test("consecutive snapshots share the parts a delta did not touch", () => {
    const decoder = createDeltaV1Decoder();
    const [before, after] = feedAll(decoder, [install(0, "m-1"), append("x")]);
    if (before?.type !== "message" || after?.type !== "message") throw new Error("expected message events");
    expect(after.message.metadata).toBe(before.message.metadata);
    expect(after.message.content).not.toBe(before.message.content);
  });
});
