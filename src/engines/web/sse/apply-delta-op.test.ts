import { describe, expect, test } from "bun:test";
import { applyDeltaOp, DeltaOpError } from "./apply-delta-op.ts";
import { parseJsonPointer } from "./json-pointer.ts";
import { deepFreeze, type JsonValue } from "./json-value.ts";

function document(): JsonValue {
  return deepFreeze({
    message: {
      content: { content_type: "text", parts: ["Hello"] },
      status: "in_progress",
      metadata: { initial_text: "Thinking", citations: [{ n: 1 }], "a/b": 1, "m~n": 2, nothing: null },
    },
    conversation_id: "c-1",
    error: null,
  });
}

function apply(operation: string, pointer: string, value?: JsonValue): JsonValue {
  const path = parseJsonPointer(pointer);
  if (!path) throw new Error(`bad pointer in test: ${pointer}`);
  return applyDeltaOp(document(), operation, path, value);
}

/** The value under `keys`, for reading into results in assertions. */
function at(value: JsonValue | undefined, ...keys: string[]): JsonValue | undefined {
  let node = value;
  for (const key of keys) node = typeof node === "object" && node !== null ? (node as Record<string, JsonValue | undefined>)[key] : undefined;
  return node;
}

function messageOf(result: JsonValue): JsonValue | undefined {
  return at(result, "message");
}

const base = {
  content: { content_type: "text", parts: ["Hello"] },
  status: "in_progress",
  metadata: { initial_text: "Thinking", citations: [{ n: 1 }], "a/b": 1, "m~n": 2, nothing: null },
};

describe("applyDeltaOp", () => {
  test.each<[string, string, string, JsonValue | undefined, JsonValue]>([
    ["append concatenates strings", "append", "/message/content/parts/0", " world", { ...base, content: { content_type: "text", parts: ["Hello world"] } }],
    ["append pushes a non-array value onto an array", "append", "/message/content/parts", "more", { ...base, content: { content_type: "text", parts: ["Hello", "more"] } }],
    ["append concatenates an array value to an array", "append", "/message/content/parts", ["a", "b"], { ...base, content: { content_type: "text", parts: ["Hello", "a", "b"] } }],
    [
      "append merges an object into an object, keeping the members it does not name",
      "append",
      "/message/metadata",
      { finished_text: "Thought for 3 seconds", citations: [] },
      { ...base, metadata: { ...base.metadata, finished_text: "Thought for 3 seconds", citations: [] } },
    ],
    ["append to a missing member creates it", "append", "/message/metadata/finished_text", "Thought", { ...base, metadata: { ...base.metadata, finished_text: "Thought" } }],
    ["append to a null member sets it", "append", "/message/metadata/nothing", "now", { ...base, metadata: { ...base.metadata, nothing: "now" } }],
    ["add sets an object member", "add", "/message/end_turn", true, { ...base, end_turn: true }],
    ["add overwrites an existing object member", "add", "/message/status", "finished_successfully", { ...base, status: "finished_successfully" }],
    ["add with - pushes onto an array", "add", "/message/metadata/citations/-", { n: 2 }, { ...base, metadata: { ...base.metadata, citations: [{ n: 1 }, { n: 2 }] } }],
    ["add at an index inserts into an array", "add", "/message/metadata/citations/0", { n: 0 }, { ...base, metadata: { ...base.metadata, citations: [{ n: 0 }, { n: 1 }] } }],
    ["add at the array length appends", "add", "/message/content/parts/1", "x", { ...base, content: { content_type: "text", parts: ["Hello", "x"] } }],
    ["replace sets an existing member", "replace", "/message/status", "finished_successfully", { ...base, status: "finished_successfully" }],
    ["replace sets a missing object member too", "replace", "/message/end_turn", false, { ...base, end_turn: false }],
    ["replace sets an array item", "replace", "/message/content/parts/0", "Bye", { ...base, content: { content_type: "text", parts: ["Bye"] } }],
    ["remove deletes an object member", "remove", "/message/metadata/initial_text", undefined, { ...base, metadata: { citations: [{ n: 1 }], "a/b": 1, "m~n": 2, nothing: null } }],
    ["remove deletes an array item", "remove", "/message/metadata/citations/0", undefined, { ...base, metadata: { ...base.metadata, citations: [] } }],
    ["~1 in a path addresses a key with a slash", "remove", "/message/metadata/a~1b", undefined, { ...base, metadata: { initial_text: "Thinking", citations: [{ n: 1 }], "m~n": 2, nothing: null } }],
    ["~0 in a path addresses a key with a tilde", "replace", "/message/metadata/m~0n", 3, { ...base, metadata: { ...base.metadata, "m~n": 3 } }],
    ["truncate cuts a string", "truncate", "/message/content/parts/0", 2, { ...base, content: { content_type: "text", parts: ["He"] } }],
    ["truncate to a longer length keeps a string", "truncate", "/message/content/parts/0", 99, base],
    ["truncate cuts an array", "truncate", "/message/metadata/citations", 0, { ...base, metadata: { ...base.metadata, citations: [] } }],
  ])("%s", (_name, operation, pointer, value, expectedMessage) => {
    expect(messageOf(apply(operation, pointer, value))).toEqual(expectedMessage);
  });

  test.each<[string, string, JsonValue | undefined, JsonValue]>([
    ["add", "", { message: null }, { message: null }],
    ["replace", "", { message: null }, { message: null }],
    ["append", "", { error: "late" }, { message: base, conversation_id: "c-1", error: "late" }],
  ])("%s at the root path gives %j", (operation, pointer, value, expected) => {
    expect(apply(operation, pointer, value)).toEqual(expected);
  });

  test("truncate counts code points, so an emoji is never cut in half", () => {
    const path = ["text"];
    expect(applyDeltaOp(deepFreeze({ text: "a👋🏽b" }), "truncate", path, 2)).toEqual({ text: "a👋" });
  });

  test("add at the root installs the first document", () => {
    expect(applyDeltaOp(undefined, "add", [], { message: null })).toEqual({ message: null });
  });

  test.each<[string, string, string, JsonValue | undefined]>([
    ["an unknown operation", "move", "/message/status", "x"],
    ["a missing intermediate member", "append", "/message/nope/text", "x"],
    ["a path through a string", "append", "/message/status/x", "x"],
    ["an array index out of range", "replace", "/message/content/parts/3", "x"],
    ["a non-numeric array index", "append", "/message/content/parts/first", "x"],
    ["add past the end of an array", "add", "/message/content/parts/5", "x"],
    ["removing a missing member", "remove", "/message/metadata/finished_text", undefined],
    ["removing the root", "remove", "", undefined],
    ["add without a value", "add", "/message/end_turn", undefined],
    ["append of a number to a string", "append", "/message/status", 5],
    ["append of a string to an object", "append", "/message/metadata", "x"],
    ["append of an object to a string", "append", "/message/status", { a: 1 }],
    ["truncate of an object", "truncate", "/message/metadata", 1],
    ["truncate to a negative length", "truncate", "/message/status", -1],
    ["truncate to a fractional length", "truncate", "/message/status", 1.5],
  ])("%s is a DeltaOpError", (_name, operation, pointer, value) => {
    expect(() => apply(operation, pointer, value)).toThrow(DeltaOpError);
  });

  test("an op on a missing document is a DeltaOpError", () => {
    expect(() => applyDeltaOp(undefined, "append", ["message"], "x")).toThrow(DeltaOpError);
  });

  test("the original document is untouched and shares the subtrees off the path", () => {
    const before = document();
    const after = applyDeltaOp(before, "append", ["message", "content", "parts", "0"], "!");
    expect(before).toEqual(document());
    expect(messageOf(after)).toEqual({ ...base, content: { content_type: "text", parts: ["Hello!"] } });
    expect(at(after, "message", "metadata")).toBe(at(before, "message", "metadata"));
  });

  test("the result is frozen all the way down, including inserted values", () => {
    const after = applyDeltaOp(document(), "add", ["message", "metadata", "citations", "-"], { n: 2, nested: { deep: [1] } });
    const paths = [[], ["message"], ["message", "metadata"], ["message", "metadata", "citations"], ["message", "metadata", "citations", "1", "nested", "deep"]];
    const frozenContainer = (node: JsonValue | undefined) => typeof node === "object" && node !== null && Object.isFrozen(node);
    expect(paths.map((path) => frozenContainer(at(after, ...path)))).toEqual(paths.map(() => true));
  });

  test("error messages name the operation and path but never the value", () => {
    expect(() => applyDeltaOp(document(), "append", ["message", "status"], 12345)).toThrow(
      new DeltaOpError("append /message/status: cannot append a number to a string"),
    );
  });
});
