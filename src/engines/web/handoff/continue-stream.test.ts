import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../errors.ts";
import { continueAfterHandoff, type FollowHandoff } from "./continue-stream.ts";
import type { Handoff } from "./handoff-watch.ts";

const enc = new TextEncoder();
function bytes(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(enc.encode(chunk));
      controller.close();
    },
  });
}
const text = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

const HEAD = 'event: delta_encoding\ndata: "v1"\n\ndata: {"type":"resume_conversation_token","kind":"topic","token":"tok.en.sig","conversation_id":"c-1"}\n\n';
const HANDOFF = 'data: {"type":"stream_handoff","conversation_id":"c-1","turn_exchange_id":"t1","options":[{"type":"resume_sse_endpoint","topic_id":"conversation-turn-t1"}]}\n\n';
const ANSWER = 'event: delta\ndata: {"p":"","o":"add","v":{"message":{"id":"m"}},"c":0}\n\n';
const DONE = "data: [DONE]\n\n";

describe("continueAfterHandoff", () => {
  test("a stream without handoff passes through unchanged, split anywhere", async () => {
    const whole = `${HEAD}${ANSWER}${DONE}`;
    const follow: FollowHandoff = () => Promise.reject(new Error("not called"));
    expect(await text(continueAfterHandoff(bytes(whole.slice(0, 7), whole.slice(7, 90), whole.slice(90)), { follow }))).toBe(whole);
  });

  test("a handed-off leg's [DONE] is held back; the next leg (re-emitting stream_handoff) continues the stream; one [DONE] last", async () => {
    const seen: Handoff[] = [];
    const follow: FollowHandoff = async (handoff) => {
      seen.push(handoff);
      return bytes(`${HANDOFF}${ANSWER}`, DONE);
    };
    const out = await text(continueAfterHandoff(bytes(HEAD, HANDOFF, DONE), { follow }));
    expect(out).toBe(`${HEAD}${HANDOFF}${HANDOFF}${ANSWER}${DONE}`);
    expect(seen).toEqual([{ conversationId: "c-1", topicId: "conversation-turn-t1", resumeToken: "tok.en.sig" }]);
  });

  test("two payloads on one line and \\r\\n endings are read; nested handoffs beyond the depth fail as a stream error", async () => {
    let legs = 0;
    const follow: FollowHandoff = async () => {
      legs++;
      return bytes(HANDOFF.replace(/\n/g, "\r\n"), DONE);
    };
    const joined = `${HEAD.trimEnd()}${HANDOFF}${DONE}`;
    const error = await text(continueAfterHandoff(bytes(joined), { follow, maxDepth: 2 })).catch((e: unknown) => e);
    expect([legs, error instanceof UpstreamError && error.kind]).toEqual([2, "stream"]);
  });

  test("a follow that fails errors the stream", async () => {
    const follow: FollowHandoff = () => Promise.reject(new UpstreamError("bad-request", "refused"));
    const error = await text(continueAfterHandoff(bytes(HEAD, HANDOFF, DONE), { follow })).catch((e: unknown) => e);
    expect(error instanceof UpstreamError && error.message).toBe("refused");
  });
});
