/** @module Item references resolved from the caller's own recent responses only. */
import { expect, test } from "bun:test";
import { InvalidRequestError } from "../../errors.ts";
import { ItemMemory } from "./item-memory.ts";

const call = { id: "fc_1", type: "function_call", call_id: "call_1", name: "f", arguments: "{}" };

test("a reference to an item of the caller's earlier response becomes the item; other entries stay as sent", () => {
  const memory = new ItemMemory();
  memory.remember("alice", [call, { type: "message" }]);
  const input = [{ role: "user", content: "hi" }, { type: "item_reference", id: "fc_1" }, { type: "function_call_output", call_id: "call_1", output: "ok" }];
  expect(memory.resolve("alice", input)).toEqual([input[0], call, input[2]]);
  expect(memory.resolve("alice", "plain text")).toBe("plain text");
});

test("another caller's item, or an unknown id, is a 400 naming the input entry", () => {
  const memory = new ItemMemory();
  memory.remember("alice", [call]);
  const error = (() => {
    try {
      memory.resolve("bob", [{ type: "item_reference", id: "fc_1" }]);
    } catch (caught) {
      return caught;
    }
  })();
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect((error as InvalidRequestError).param).toBe("input[0]");
  expect((error as InvalidRequestError).code).toBe("item_not_found");
});

test("bounded: the oldest items are forgotten first", () => {
  const memory = new ItemMemory(2);
  memory.remember("a", [{ id: "1" }, { id: "2" }, { id: "3" }]);
  expect(() => memory.resolve("a", [{ type: "item_reference", id: "1" }])).toThrow(InvalidRequestError);
  expect(memory.resolve("a", [{ type: "item_reference", id: "3" }])).toEqual([{ id: "3" }]);
});
