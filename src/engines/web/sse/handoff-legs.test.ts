import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../errors.ts";
import type { UpstreamEvent } from "../events.ts";
import type { FollowHandoff } from "../handoff/follow-handoff.ts";
import type { Handoff } from "../handoff/handoff-watch.ts";
import { collectUpstreamEvents } from "./collect-upstream-events.ts";
import { decodeConversationStream } from "./decode-conversation-stream.ts";

const enc = new TextEncoder();
function bytes(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(enc.encode(chunk));
      controller.close();
    },
  });
}
const decode = (body: ReadableStream<Uint8Array>, follow?: FollowHandoff, maxHandoffs?: number): Promise<UpstreamEvent[]> =>
  collectUpstreamEvents(decodeConversationStream(body, { ...(follow ? { follow } : {}), ...(maxHandoffs !== undefined ? { maxHandoffs } : {}) }));

const HEAD = 'event: delta_encoding\ndata: "v1"\n\ndata: {"type":"resume_conversation_token","kind":"topic","token":"tok.en.sig","conversation_id":"c-1"}\n\n';
const HANDOFF = 'data: {"type":"stream_handoff","conversation_id":"c-1","turn_exchange_id":"t1","options":[{"type":"resume_sse_endpoint","topic_id":"conversation-turn-t1"}]}\n\n';
const ANSWER = 'event: delta\ndata: {"p":"","o":"add","v":{"message":{"id":"m","author":{"role":"assistant"},"content":{"content_type":"text","parts":["hi"]},"status":"finished_successfully"},"conversation_id":"c-1"},"c":0}\n\n';
const DONE = "data: [DONE]\n\n";

describe("a handed-off turn read as one stream (web-2026.md §6.4)", () => {
  test("a stream without handoff decodes as it would without a follow, split anywhere", async () => {
    const whole = `${HEAD}${ANSWER}${DONE}`;
    const follow: FollowHandoff = () => Promise.reject(new Error("not called"));
    const split = await decode(bytes(whole.slice(0, 7), whole.slice(7, 90), whole.slice(90)), follow);
    expect(split).toEqual(await decode(bytes(whole)));
    expect(split.map((event) => event.type)).toContain("message");
  });

  test("a handed-off leg's [DONE] is held back; the next leg (re-emitting stream_handoff) continues the stream; one [DONE] last", async () => {
    const seen: Handoff[] = [];
    const follow: FollowHandoff = async (handoff) => {
      seen.push(handoff);
      return bytes(`${HANDOFF}${ANSWER}`, DONE);
    };
    const events = await decode(bytes(HEAD, HANDOFF, DONE), follow);
    expect(events).toEqual(await decode(bytes(`${HEAD}${HANDOFF}${HANDOFF}${ANSWER}${DONE}`)));
    expect(events.filter((event) => event.type === "done")).toHaveLength(1);
    expect(events.at(-1)?.type).toBe("done");
    expect(seen).toEqual([{ conversationId: "c-1", topicId: "conversation-turn-t1", resumeToken: "tok.en.sig" }]);
  });

  test("a handoff that names no topic is not followed: its leg's [DONE] ends the stream", async () => {
    // the handoff names no topic: nothing to follow, so the leg's own [DONE] ends the stream
    const handoffWithoutTopic = 'data: {"type":"stream_handoff","options":[]}\n\n';
    const follow: FollowHandoff = () => Promise.reject(new Error("not called"));
    const events = await decode(bytes(HEAD, handoffWithoutTopic, DONE), follow);
    expect(events.at(-1)?.type).toBe("done");
  });

  test("two payloads on one line and \\r\\n endings are read; nested handoffs beyond the depth fail as a stream error", async () => {
    let legs = 0;
    const follow: FollowHandoff = async () => {
      legs++;
      return bytes(HANDOFF.replace(/\n/g, "\r\n"), DONE);
    };
    const joined = `${HEAD.trimEnd()}${HANDOFF}${DONE}`;
    const error = await decode(bytes(joined), follow, 2).catch((e: unknown) => e);
    expect([legs, error instanceof UpstreamError && error.kind]).toEqual([2, "stream"]);
  });

  test("a follow that fails errors the stream", async () => {
    const follow: FollowHandoff = () => Promise.reject(new UpstreamError("bad-request", "refused"));
    const error = await decode(bytes(HEAD, HANDOFF, DONE), follow).catch((e: unknown) => e);
    expect(error instanceof UpstreamError && error.message).toBe("refused");
  });
});

describe("a body that breaks or goes silent", () => {
  test("a body cut mid-way is a stream error", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode(HEAD));
        controller.error(new TypeError("socket closed"));
      },
    });
    const error = await collectUpstreamEvents(decodeConversationStream(body)).catch((e: unknown) => e);
    expect(error instanceof UpstreamError && [error.kind, error.message]).toEqual(["stream", "The ChatGPT stream was cut off."]);
  });

  test("a body silent for stallMs while the stream waits is abandoned and cancelled", async () => {
    let cancelled = false;
    const silent = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode('data: {"type": "title_generation", "title": "T"}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = decodeConversationStream(silent, { stallMs: 30 }).getReader();
    expect((await reader.read()).value?.type).toBe("metadata");
    const error = await reader.read().catch((e: unknown) => e);
    expect(error instanceof UpstreamError && [error.kind, error.message]).toEqual(["stream", "ChatGPT sent nothing for 0.03 s; the stream was abandoned."]);
    expect(cancelled).toBe(true);
  });
});
