import { describe, expect, test } from "bun:test";
import type { UpstreamEvent } from "../events.ts";
import { collectUpstreamEvents } from "./collect-upstream-events.ts";
import { decodeConversationStream } from "./decode-conversation-stream.ts";

const encoder = new TextEncoder();

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await Bun.file(new URL(`./__fixtures__/${name}`, import.meta.url)).arrayBuffer());
}

/** A body that hands out the given chunks one per pull, and records whether it was cancelled. */
function bodyOf(chunks: Uint8Array[]): { body: ReadableStream<Uint8Array>; cancelled: Promise<unknown> } {
  let markCancelled: (reason: unknown) => void = () => {};
  const cancelled = new Promise<unknown>((resolve) => (markCancelled = resolve));
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel(reason) {
      markCancelled(reason);
    },
  });
  return { body, cancelled };
}

function splitAt(bytes: Uint8Array, positions: number[]): Uint8Array[] {
  const bounds = [0, ...positions, bytes.length];
  return bounds.slice(1).map((end, index) => bytes.subarray(bounds[index], end));
}

function decode(chunks: Uint8Array[], options?: Parameters<typeof decodeConversationStream>[1]): Promise<UpstreamEvent[]> {
  return collectUpstreamEvents(decodeConversationStream(bodyOf(chunks).body, options));
}

/** One line per event: who, status and text for messages; the rest by type and name. */
function summary(events: UpstreamEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case "message": {
        const { author, status, end_turn, content, recipient } = event.message;
        const who = author.name ? `${author.role}(${author.name})` : author.role;
        const body = "parts" in content ? content.parts : "text" in content ? content.text : content;
        return `${who}→${recipient} ${status}${end_turn ? " end_turn" : ""} ${content.content_type} ${JSON.stringify(body)}`;
      }
      case "metadata":
        return `metadata ${event.name}`;
      case "moderation":
        return `moderation blocked=${event.blocked}`;
      case "error":
        return `error ${event.message}`;
      case "done":
        return "done";
      default: {
        const _exhaustiveCheck: never = event;
        return _exhaustiveCheck;
      }
    }
  });
}

const textAnswer = [
  'user→all finished_successfully text ["Say hello in French, Chinese and with an emoji"]',
  'assistant→all in_progress text [""]',
  'assistant→all in_progress text ["Bonjour"]',
  'assistant→all in_progress text ["Bonjour à tous ! In Chinese: "]',
  'assistant→all in_progress text ["Bonjour à tous ! In Chinese: 你好，世界"]',
  'assistant→all in_progress text ["Bonjour à tous ! In Chinese: 你好，世界。 And a wave: 👋🏽"]',
  'assistant→all finished_successfully end_turn text ["Bonjour à tous ! In Chinese: 你好，世界。 And a wave: 👋🏽\\n\\n— done."]',
  "metadata title_generation",
  "metadata conversation_detail_metadata",
  "metadata message_stream_complete",
  "done",
];

const fixtures: Array<[string, string[]]> = [
  ["text-legacy.sse", textAnswer],
  ["text-v1.sse", textAnswer],
  [
    "v1-ops.sse",
    [
      'tool(a8km123)→all in_progress text [""]',
      'tool(a8km123)→all in_progress text ["Weighing the sources"]',
      'assistant→all in_progress text [""]',
      'assistant→all in_progress text ["Draft answr"]',
      'assistant→all in_progress text ["Draft "]',
      'assistant→all in_progress text ["Draft answer"]',
      'assistant→all in_progress text ["Draft answer"]',
      'tool(a8km123)→all finished_successfully text ["Weighing the sources."]',
      'assistant→all in_progress text ["Draft answer with a source"]',
      'assistant→all in_progress text ["Draft answer with a source."]',
      'assistant→all in_progress text ["Draft answer with a source."]',
      'assistant→all finished_successfully end_turn text ["Draft answer with a source."]',
      "metadata message_stream_complete",
      "done",
    ],
  ],
  [
    "reasoning-legacy.sse",
    [
      'tool(a8km123)→all in_progress text [""]',
      'tool(a8km123)→all in_progress text ["**Counting primes**\\n\\nI list the primes below 20."]',
      'tool(a8km123)→all finished_successfully text ["**Counting primes**\\n\\nI list the primes below 20.\\n\\n**Checking**\\n\\nThere are eight."]',
      'assistant→all in_progress text [""]',
      'assistant→all in_progress text ["There are 8 primes below 20"]',
      'assistant→all finished_successfully end_turn text ["There are 8 primes below 20: 2, 3, 5, 7, 11, 13, 17, 19."]',
      "metadata title_generation",
      "done",
    ],
  ],
  [
    "code-interpreter-v1.sse",
    [
      'assistant→python in_progress code ""',
      'assistant→python in_progress code "import math\\n"',
      'assistant→python in_progress code "import math\\nprint(math.factorial(20))"',
      'assistant→python finished_successfully code "import math\\nprint(math.factorial(20))"',
      'tool(python)→all in_progress execution_output ""',
      'tool(python)→all in_progress execution_output "2432902008176640000"',
      'tool(python)→all finished_successfully execution_output "2432902008176640000"',
      'assistant→all in_progress text [""]',
      'assistant→all in_progress text ["20! = 2,432,902,008,176,640,000."]',
      'assistant→all finished_successfully end_turn text ["20! = 2,432,902,008,176,640,000."]',
      "metadata message_stream_complete",
      "done",
    ],
  ],
  [
    "error-v1.sse",
    [
      'assistant→all in_progress text [""]',
      'assistant→all in_progress text ["The first part of"]',
      "error Something went wrong while generating the response. If this issue persists please contact us through our help center at help.openai.com.",
      "done",
    ],
  ],
  [
    "moderation-legacy.sse",
    [
      'assistant→all in_progress text [""]',
      "moderation blocked=true",
      'assistant→all finished_successfully end_turn text ["This content may violate our usage policies."]',
      "done",
    ],
  ],
];

describe("decodeConversationStream", () => {
  test.each(fixtures)("%s decodes to the expected events", async (name, expected) => {
    expect(summary(await decode([await fixture(name)]))).toEqual(expected);
  });

  test.each(fixtures.map(([name]) => name))("%s fed one byte at a time decodes to the same events", async (name) => {
    const bytes = await fixture(name);
    const whole = await decode([bytes]);
    expect(await decode(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(whole);
  });

  test.each(fixtures.map(([name]) => name))("%s split in two at every byte decodes to the same events", async (name) => {
    const bytes = await fixture(name);
    const whole = await decode([bytes]);
    const mismatches: number[] = [];
    for (let position = 1; position < bytes.length; position++) {
      const split = await decode(splitAt(bytes, [position]));
      if (!Bun.deepEquals(split, whole)) mismatches.push(position);
    }
    expect(mismatches).toEqual([]);
  });

  test("the legacy and v1 renditions of one answer decode to identical events", async () => {
    const legacy = await decode([await fixture("text-legacy.sse")]);
    expect(await decode([await fixture("text-v1.sse")])).toEqual(legacy);
  });

  test("an object append to /message/metadata merges: the final snapshots keep initial_text and gain finished_text and finish_details", async () => {
    const events = await decode([await fixture("v1-ops.sse")]);
    const finals = events.filter((event) => event.type === "message" && event.message.status === "finished_successfully");
    expect<unknown>(finals).toEqual([
      {
        type: "message",
        conversationId: "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
        message: {
          id: "4f1e2d3c-0b9a-4877-8665-5443322110aa",
          author: { role: "tool", name: "a8km123", metadata: {} },
          create_time: 1746000000.0,
          update_time: null,
          content: { content_type: "text", parts: ["Weighing the sources."] },
          status: "finished_successfully",
          end_turn: false,
          weight: 1.0,
          metadata: { initial_text: "Thinking", finished_text: "Thought for 2 seconds", model_slug: "o3", parent_id: "9a8b7c6d-5e4f-4321-8fed-cba987654321" },
          recipient: "all",
          channel: null,
        },
      },
      {
        type: "message",
        conversationId: "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
        message: {
          id: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
          author: { role: "assistant", name: null, metadata: {} },
          create_time: 1746000002.0,
          update_time: null,
          content: { content_type: "text", parts: ["Draft answer with a source."] },
          status: "finished_successfully",
          end_turn: true,
          weight: 1.0,
          metadata: {
            citations: [{ start_ix: 0, end_ix: 12, metadata: { type: "webpage", url: "https://example.org/source", title: "A source" } }],
            model_slug: "o3",
            parent_id: "4f1e2d3c-0b9a-4877-8665-5443322110aa",
            is_complete: true,
            finish_details: { type: "stop", stop_tokens: [200002] },
          },
          recipient: "all",
          channel: "final",
        },
      },
    ]);
  });

  test("CRLF, CR and LF line endings decode alike", async () => {
    const crlf = await fixture("moderation-legacy.sse");
    const text = new TextDecoder().decode(crlf);
    const expected = await decode([crlf]);
    expect(await decode([encoder.encode(text.replaceAll("\r\n", "\n"))])).toEqual(expected);
    expect(await decode([encoder.encode(text.replaceAll("\r\n", "\r"))])).toEqual(expected);
  });

  test("a v1 stream without event lines is recognised by its first delta", async () => {
    const text = new TextDecoder().decode(await fixture("text-v1.sse"));
    const withoutEventLines = text.replace(/^event: .*\n/gm, "").replace('data: "v1"\n\n', "");
    expect(await decode([encoder.encode(withoutEventLines)])).toEqual(await decode([await fixture("text-v1.sse")]));
  });

  test("other event names do not switch a legacy stream to v1", async () => {
    const text = new TextDecoder().decode(await fixture("reasoning-legacy.sse"));
    const withPings = text.replaceAll("data: ", "event: ping\ndata: ");
    expect(await decode([encoder.encode(withPings)])).toEqual(await decode([await fixture("reasoning-legacy.sse")]));
  });

  test("a last event without its closing blank line is still decoded", async () => {
    expect(await decode([encoder.encode('data: {"type": "title_generation", "title": "T"}\n\ndata: [DONE]')])).toEqual([
      { type: "metadata", name: "title_generation", data: { type: "title_generation", title: "T" } },
      { type: "done" },
    ]);
  });

  test("a multibyte character split across chunks survives", async () => {
    const bytes = encoder.encode('data: {"type": "title_generation", "title": "👋🏽 世界"}\n\n');
    const inside = bytes.indexOf(0xf0) + 2;
    expect(await decode(splitAt(bytes, [inside, inside + 1, inside + 3]))).toEqual([
      { type: "metadata", name: "title_generation", data: { type: "title_generation", title: "👋🏽 世界" } },
    ]);
  });

  test("an event that buffers past maxBufferSize ends the stream with an error event and cancels the body", async () => {
    const snapshot = new TextDecoder().decode(await fixture("moderation-legacy.sse")).split("\r\n\r\n")[0] ?? "";
    const huge = encoder.encode(`data: {"type": "junk", "pad": "${"x".repeat(5000)}"}\n\n`);
    const pieces = splitAt(huge, [1000, 2000, 3000, 4000]);
    const { body, cancelled } = bodyOf([encoder.encode(`${snapshot}\n\n`), ...pieces, encoder.encode("data: [DONE]\n\n")]);
    const events = await collectUpstreamEvents(decodeConversationStream(body, { maxBufferSize: 2000 }));
    expect(summary(events)).toEqual(['assistant→all in_progress text [""]', "error the upstream sent an SSE event longer than 2000 characters"]);
    expect(events.at(-1)).toEqual({
      type: "error",
      conversationId: "b7c6d5e4-f3a2-4b1c-9d0e-8f7a6b5c4d3e",
      message: "the upstream sent an SSE event longer than 2000 characters",
    });
    await cancelled;
  });

  test("onSkippedDelta hears why each malformed delta was skipped, and the stream goes on", async () => {
    const text = new TextDecoder().decode(await fixture("text-v1.sse"));
    const broken = text.replace('data: {"v": "你好，世界"}', 'data: {"v": 7}').replace('"o": "patch"', '"o": "patch", "c": 9');
    const reasons: string[] = [];
    const body = bodyOf([encoder.encode(broken)]).body;
    const events = await collectUpstreamEvents(decodeConversationStream(body, { onSkippedDelta: (reason) => reasons.push(reason) }));
    expect(reasons).toEqual([
      "append /message/content/parts/0: cannot append a number to a string",
      "append /message/content/parts/0: there is no document yet",
      "replace /message/status: there is no document yet",
      "replace /message/end_turn: there is no document yet",
      "append /message/metadata: there is no document yet",
    ]);
    expect(summary(events).slice(-5)).toEqual([
      'assistant→all in_progress text ["Bonjour à tous ! In Chinese: 。 And a wave: 👋🏽"]',
      "metadata title_generation",
      "metadata conversation_detail_metadata",
      "metadata message_stream_complete",
      "done",
    ]);
  });

  test("events are delivered as they arrive, before the body ends", async () => {
    let push: (text: string) => void = () => {};
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (push = (text) => controller.enqueue(encoder.encode(text))) });
    const reader = decodeConversationStream(body).getReader();
    push('data: {"type": "title_generation", "title": "T"}\n\n');
    expect(await reader.read()).toEqual({ done: false, value: { type: "metadata", name: "title_generation", data: { type: "title_generation", title: "T" } } });
    await reader.cancel();
  });

  test("aborting the signal errors the stream and cancels the body", async () => {
    const controller = new AbortController();
    const { body, cancelled } = bodyOf([encoder.encode('data: {"type": "a"}\n\n'), new Uint8Array(0), new Uint8Array(0)]);
    const infinite = body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>());
    const reader = decodeConversationStream(infinite, { signal: controller.signal }).getReader();
    expect(await reader.read()).toEqual({ done: false, value: { type: "metadata", name: "a", data: { type: "a" } } });
    controller.abort(new Error("client left"));
    await expect(reader.read()).rejects.toThrow("client left");
    await cancelled;
  });

  test("cancelling the decoded stream cancels the body", async () => {
    const { body, cancelled } = bodyOf([encoder.encode('data: {"type": "a"}\n\n'), encoder.encode('data: {"type": "b"}\n\n')]);
    const reader = decodeConversationStream(body).getReader();
    await reader.read();
    await reader.cancel("done reading");
    expect(await cancelled).toBe("done reading");
  });
});
