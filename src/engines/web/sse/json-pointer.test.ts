import { expect, test } from "bun:test";
import { parseArrayIndex, parseJsonPointer } from "./json-pointer.ts";

test.each<[string, string[] | undefined]>([
  ["", []],
  ["/", [""]],
  ["/message/content/parts/0", ["message", "content", "parts", "0"]],
  ["/message/metadata/a~1b", ["message", "metadata", "a/b"]],
  ["/m~0n", ["m~n"]],
  ["/~01", ["~1"]],
  ["/~10", ["/0"]],
  ["/a//b", ["a", "", "b"]],
  ["message", undefined],
  ["/a~2", undefined],
  ["/a~", undefined],
])("pointer %j parses to %j", (pointer, expected) => {
  expect(parseJsonPointer(pointer)).toEqual(expected);
});

test.each<[string, number | undefined]>([
  ["0", 0],
  ["12", 12],
  ["01", undefined],
  ["-", undefined],
  ["-1", undefined],
  ["1.5", undefined],
  ["", undefined],
])("array index token %j is %j", (token, expected) => {
  expect(parseArrayIndex(token)).toEqual(expected);
});
