import { describe, expect, test } from "bun:test";
import { decodeCodexStream } from "./decode-stream.ts";
import { CodexError } from "./errors.ts";
import type { CodexEvent } from "./events.ts";
import { readCodexEvents } from "./read-events.ts";

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await Bun.file(new URL(`./__fixtures__/${name}`, import.meta.url)).arrayBuffer());
}

/** A body that hands out the given chunks one per pull, and counts the pulls. */
function bodyOf(chunks: Uint8Array[]) {
  let index = 0;
  const state = { pulls: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++;
        const chunk = chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

function splitAt(bytes: Uint8Array, positions: number[]): Uint8Array[] {
  const bounds = [0, ...positions, bytes.length];
  return bounds.slice(1).map((end, index) => bytes.subarray(bounds[index], end));
}

async function collect(stream: ReadableStream<CodexEvent>): Promise<CodexEvent[]> {
  const events: CodexEvent[] = [];
  for await (const event of readCodexEvents(stream)) events.push(event);
  return events;
}

const decode = (chunks: Uint8Array[]) => collect(decodeCodexStream(bodyOf(chunks).body, { now: () => 1_789_000_000_000 }));

/** Item events reduced to the item's type and id; the rest as they are. */
function summary(events: CodexEvent[]): unknown[] {
  return events.map((event) => {
    if (event.type !== "output-item" && event.type !== "reasoning-item") return event;
    const item = event.item as { type: string; id: string };
    return { type: event.type, item: `${item.type} ${item.id}` };
  });
}

const usage = (inputTokens: number, cachedTokens: number, outputTokens: number, reasoningTokens: number) => ({
  inputTokens,
  cachedTokens,
  outputTokens,
  reasoningTokens,
});

const fixtures: Array<[string, unknown[]]> = [
  [
    "text.sse",
    [
      { type: "start", responseId: "resp_text1", model: "gpt-5.5" },
      { type: "content", text: "Bonjour" },
      { type: "content", text: " à tous ! 你好，" },
      { type: "content", text: "世界 👋🏽" },
      { type: "output-item", item: "message msg_text1" },
      { type: "finish", reason: "stop", usage: usage(21, 0, 9, 0) },
    ],
  ],
  [
    "reasoning-text.sse",
    [
      { type: "start", responseId: "resp_reason1", model: "gpt-5.5" },
      { type: "reasoning", text: "**Counting**" },
      { type: "reasoning", text: " primes" },
      { type: "reasoning", text: "\n\nEight are" },
      { type: "reasoning", text: " below 20." },
      { type: "reasoning-item", item: "reasoning rs_reason1" },
      { type: "output-item", item: "reasoning rs_reason1" },
      { type: "content", text: "There are 8 primes" },
      { type: "content", text: " below 20." },
      { type: "output-item", item: "message msg_reason1" },
      { type: "finish", reason: "stop", usage: usage(30, 16, 52, 38) },
    ],
  ],
  [
    "tool-call.sse",
    [
      { type: "start", responseId: "resp_tool1", model: "gpt-5.5" },
      { type: "reasoning", text: "Checking the weather tool." },
      { type: "reasoning-item", item: "reasoning rs_tool1" },
      { type: "output-item", item: "reasoning rs_tool1" },
      { type: "tool-call-start", index: 0, callId: "call_Paris1", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"ci' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'ty":"Pa' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'ris","u' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'nit":"°' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'C"}' },
      { type: "tool-call-end", index: 0, arguments: '{"city":"Paris","unit":"°C"}' },
      { type: "output-item", item: "function_call fc_tool1" },
      { type: "finish", reason: "tool_calls", usage: usage(80, 64, 25, 12) },
    ],
  ],
  [
    "parallel-tool-calls.sse",
    [
      { type: "start", responseId: "resp_par1", model: "gpt-5.5" },
      { type: "tool-call-start", index: 0, callId: "call_A", name: "get_weather" },
      { type: "tool-call-start", index: 1, callId: "call_B", name: "get_time" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", index: 1, argumentsDelta: '{"zone":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
      { type: "tool-call-delta", index: 1, argumentsDelta: '"Europe/Paris"}' },
      { type: "tool-call-end", index: 0, arguments: '{"city":"Paris"}' },
      { type: "output-item", item: "function_call fc_par_a" },
      { type: "tool-call-end", index: 1, arguments: '{"zone":"Europe/Paris"}' },
      { type: "output-item", item: "function_call fc_par_b" },
      { type: "finish", reason: "tool_calls", usage: usage(90, 0, 30, 0) },
    ],
  ],
  [
    "tool-call-no-deltas.sse",
    [
      { type: "start", responseId: "resp_nodelta1", model: "gpt-5.5" },
      { type: "tool-call-start", index: 0, callId: "call_ND", name: "list_files" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"path":"."}' },
      { type: "tool-call-end", index: 0, arguments: '{"path":"."}' },
      { type: "output-item", item: "function_call fc_nd" },
      { type: "finish", reason: "tool_calls", usage: usage(10, 0, 5, 0) },
    ],
  ],
  [
    "failed.sse",
    [
      { type: "start", responseId: "resp_fail1", model: "gpt-5.5" },
      { type: "content", text: "Partial " },
      { type: "failed", code: "server_is_overloaded", message: "Our servers are currently overloaded. Please try again later." },
    ],
  ],
  [
    "incomplete.sse",
    [
      { type: "start", responseId: "resp_inc1", model: "gpt-5.5" },
      { type: "content", text: "A long answer that is cut" },
      { type: "finish", reason: "length", usage: usage(12, 0, 4096, 4000) },
    ],
  ],
  [
    "abrupt-close.sse",
    [
      { type: "start", responseId: "resp_cut1", model: "gpt-5.5" },
      { type: "content", text: "Thinking about it" },
      { type: "failed", code: null, message: "The Codex backend closed the stream before response.completed" },
    ],
  ],
];

describe("decodeCodexStream", () => {
  test.each(fixtures)("%s decodes to the expected events", async (name, expected) => {
    expect(summary(await decode([await fixture(name)]))).toEqual(expected);
  });

  test.each(fixtures.map(([name]) => name))("%s fed one byte at a time decodes to the same events", async (name) => {
    const bytes = await fixture(name);
    expect(await decode(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(await decode([bytes]));
  });

  test.each(["tool-call.sse", "parallel-tool-calls.sse", "text.sse"])("%s split in two at every byte decodes to the same events", async (name) => {
    const bytes = await fixture(name);
    const whole = await decode([bytes]);
    const mismatches: number[] = [];
    for (let position = 1; position < bytes.length; position++) {
      if (!Bun.deepEquals(await decode(splitAt(bytes, [position])), whole)) mismatches.push(position);
    }
    expect(mismatches).toEqual([]);
  });

  test("the concatenated argument deltas of every call equal its final arguments", async () => {
    for (const name of ["tool-call.sse", "parallel-tool-calls.sse", "tool-call-no-deltas.sse"]) {
      const events = await decode([await fixture(name)]);
      const deltas = new Map<number, string>();
      for (const event of events) {
        if (event.type === "tool-call-delta") deltas.set(event.index, (deltas.get(event.index) ?? "") + event.argumentsDelta);
        if (event.type === "tool-call-end") expect(deltas.get(event.index)).toBe(event.arguments);
      }
    }
  });

  test("a reasoning item is passed on whole, encrypted_content included", async () => {
    const events = await decode([await fixture("reasoning-text.sse")]);
    const item = events.find((event) => event.type === "reasoning-item");
    expect(item).toEqual({
      type: "reasoning-item",
      item: {
        type: "reasoning",
        id: "rs_reason1",
        summary: [
          { type: "summary_text", text: "**Counting** primes" },
          { type: "summary_text", text: "Eight are below 20." },
        ],
        encrypted_content: "gAAAAencrypted-blob-1",
      },
    });
  });

  test("an error event before any other is thrown as a typed CodexError with the delay it asked for", async () => {
    const error = await decode([await fixture("error-before-start.sse")]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodexError);
    const { kind, code, retryAfterSec } = error as CodexError;
    expect({ kind, code, retryAfterSec }).toEqual({ kind: "rate-limited", code: "rate_limit_exceeded", retryAfterSec: 2 });
  });

  test("response.failed before response.created is thrown, usage limit with its reset", async () => {
    const body = `event: response.failed\ndata: ${JSON.stringify({
      type: "response.failed",
      response: { id: "resp_x", error: { code: "usage_limit_reached", message: "The usage limit has been reached", resets_at: 1_789_000_060, plan_type: "free" } },
    })}\n\n`;
    const error = await decode([new TextEncoder().encode(body)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodexError);
    const { kind, resetsAt, resetsInSec, planType } = error as CodexError;
    expect({ kind, resetsAt, resetsInSec, planType }).toEqual({ kind: "usage-limit", resetsAt: 1_789_000_060_000, resetsInSec: 60, planType: "free" });
  });

  test("an empty body is a stream error, not an empty reply", async () => {
    const error = await decode([]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodexError);
    const { kind, message } = error as CodexError;
    expect({ kind, message }).toEqual({ kind: "stream", message: "The Codex backend closed the stream before response.completed" });
  });

  test("a body that is not SSE JSON fails the stream", async () => {
    const error = await decode([new TextEncoder().encode("data: <html>oops</html>\n\n")]).catch((caught: unknown) => caught);
    expect((error as CodexError).kind).toBe("stream");
  });

  test("events after the terminal one are ignored and the body is cancelled", async () => {
    const bytes = await fixture("text.sse");
    const extra = new TextEncoder().encode('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"late"}\n\n');
    const { body, state } = bodyOf([bytes, extra, extra]);
    const events = await collect(decodeCodexStream(body));
    expect(events.at(-1)?.type).toBe("finish");
    expect(events.some((event) => event.type === "content" && event.text === "late")).toBe(false);
    expect(state.cancelled).toBe(true);
  });

  test("pull-based: the body is read only as far as the consumer asked", async () => {
    const bytes = await fixture("tool-call.sse");
    const chunks = Array.from({ length: Math.ceil(bytes.length / 64) }, (_, i) => bytes.subarray(i * 64, (i + 1) * 64));
    const { body, state } = bodyOf(chunks);
    const reader = decodeCodexStream(body).getReader();
    const first = await reader.read();
    expect(first.value).toEqual({ type: "start", responseId: "resp_tool1", model: "gpt-5.5" });
    const pullsAfterFirst = state.pulls;
    expect(pullsAfterFirst).toBeLessThan(chunks.length / 2);
    // Nothing more is read while the consumer waits (one turn of the event loop).
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.pulls).toBe(pullsAfterFirst);
    await reader.cancel();
    expect(state.cancelled).toBe(true);
  });

  test("a connection that breaks mid-stream ends in a failed event", async () => {
    const bytes = await fixture("abrupt-close.sse");
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("socket reset"));
        sent = true;
        controller.enqueue(bytes);
      },
    });
    const events = await collect(decodeCodexStream(body));
    expect(events.at(-1)).toEqual({ type: "failed", code: null, message: "The connection to the Codex backend broke mid-stream" });
  });

  test("a connection that breaks before the first event is a network error", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("socket reset"));
      },
    });
    const error = await collect(decodeCodexStream(body)).catch((caught: unknown) => caught);
    expect((error as CodexError).kind).toBe("network");
  });
});
