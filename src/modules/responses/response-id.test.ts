import { describe, expect, test } from "bun:test";
import { ContinuationMemory } from "./continuation-memory.ts";
import { decodeResponseId, encodeResponseId, randomResponseId } from "./response-id.ts";

describe("response ids", () => {
  test("an id made from an upstream place decodes back to it", () => {
    const place = { conversationId: "6856c0c6-0e5c-800b-9a41-1f8b3b1c0d9e", messageId: "a3f1d9c2-7b1e-4c4e-9d0a-2b6f3e8c1a77" };
    const id = encodeResponseId(place);
    expect(id).toMatch(/^resp_[A-Za-z0-9_-]+$/);
    expect(decodeResponseId(id)).toEqual(place);
  });

  test.each([
    ["a random id", randomResponseId()],
    ["no resp_ prefix", "chatcmpl-123"],
    ["a real OpenAI id", "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41"],
    ["base64 of something else", `resp_${Buffer.from("hello:world").toString("base64url")}`],
    ["a place with a missing message", `resp_${Buffer.from("c1:conv:").toString("base64url")}`],
  ])("%s decodes to null", (_label, id) => {
    expect(decodeResponseId(id)).toBeNull();
  });
});

describe("ContinuationMemory", () => {
  test("remembers the last message per response and forgets the oldest beyond its capacity", () => {
    const memory = new ContinuationMemory(2);
    memory.remember("a", "1");
    memory.remember("b", "2");
    memory.remember("a", "3");
    memory.remember("c", "4");
    expect([memory.recall("a"), memory.recall("b"), memory.recall("c")]).toEqual(["3", null, "4"]);
  });
});
