/**
 * structuredReply: the reply read whole and checked; the JSON handed on in place of the text; one retry that
 * continues a kept conversation from the invalid reply (a temporary one is sent whole again); then a 502 for
 * json_object and a strict schema, the reply as it is for a non-strict one; replies with calls, cut or failed
 * handed on unchecked.
 */
import { describe, expect, test } from "bun:test";
import { ApiError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import type { RenderedDelta } from "../translate/rendered-delta.ts";
import { replyChecker } from "../translate/response-format/check-reply.ts";
import type { ResponseFormat } from "../translate/response-format/read-response-format.ts";
import { type RetriableRequest, structuredReply } from "./structured-reply.ts";

type Format = Exclude<ResponseFormat, { type: "text" }>;

const schema = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
const strict: Format = { type: "json_schema", name: "count", description: null, schema, strict: true };
const loose: Format = { ...strict, strict: false };
const jsonObject: Format = { type: "json_object" };

function deltas(texts: string[], finish: RenderedDelta | null = { type: "finish", reason: "stop" }, messageId = "m1"): RenderedDelta[] {
  return [{ type: "start", conversationId: "c1", messageId }, ...texts.map((text): RenderedDelta => ({ type: "content", text })), ...(finish ? [finish] : [])];
}

function streamOf(items: RenderedDelta[]): ReadableStream<RenderedDelta> {
  return new ReadableStream({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });
}

/** Runs structuredReply over scripted replies; returns what it handed on and the requests it made. */
async function run(format: Format, replies: RenderedDelta[][], options: { historyDisabled?: boolean; request?: Partial<RetriableRequest> } = {}) {
  const requests: RetriableRequest[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", format: "json", write: (line) => logs.push(line) });
  const check = await replyChecker(format);
  if (!check) throw new Error("no checker");
  const request: RetriableRequest = { messages: [{ role: "user", content: "count" }], ...options.request };
  const reply = await structuredReply(request, {
    format,
    check,
    logger,
    attempt: async (next) => {
      requests.push(next);
      const items = replies[requests.length - 1];
      if (!items) throw new Error("no more replies scripted");
      return { historyDisabled: options.historyDisabled ?? true, deltas: streamOf(items), tag: requests.length };
    },
  });
  return { reply, handed: await Array.fromAsync(reply.deltas as unknown as AsyncIterable<RenderedDelta>), requests, logs };
}

describe("structuredReply", () => {
  test("a valid reply is handed on once, its chunks replaced by the JSON without its fence", async () => {
    const { reply, handed, requests } = await run(jsonObject, [deltas(["```json\n{", '"n": 1}', "\n```"])]);
    expect(handed).toEqual(deltas(['{"n": 1}']));
    expect([requests.length, reply.tag]).toEqual([1, 1]);
  });

  test("an invalid temporary reply: the retry is sent whole, with the bad reply and what was wrong", async () => {
    const { handed, requests } = await run(strict, [deltas(['{"n": "one"}']), deltas(['{"n": 1}'], undefined, "m2")]);
    expect(handed).toEqual(deltas(['{"n": 1}'], undefined, "m2"));
    const retry = requests[1];
    expect(retry?.conversationId).toBeUndefined();
    expect(retry?.messages.slice(0, 2)).toEqual([
      { role: "user", content: "count" },
      { role: "assistant", content: '{"n": "one"}' },
    ]);
    expect(String((retry?.messages[2] as { content: string }).content)).toContain("$/n must be number");
  });

  test("a kept conversation's retry continues from the invalid reply", async () => {
    const { requests } = await run(jsonObject, [deltas(["nope"]), deltas(['{"n": 2}'])], { historyDisabled: false, request: { conversationId: "c0", parentMessageId: "p0" } });
    expect(requests[1]).toMatchObject({ conversationId: "c1", parentMessageId: "m1" });
  });

  test.each([
    ["json_object", jsonObject],
    ["a strict schema", strict],
  ] as const)("%s invalid twice is a 502 invalid_model_output saying what was wrong", async (_label, format) => {
    const error = await run(format, [deltas(["prose"]), deltas(['"still prose"'])]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: "invalid_model_output" });
    expect((error as Error).message).toContain("also when asked again");
  });

  test("a non-strict schema invalid twice: the second reply as it is, and a log line", async () => {
    const { handed, logs } = await run(loose, [deltas(['{"n": "a"}']), deltas(['{"n": "b"}'])]);
    expect(handed).toEqual(deltas(['{"n": "b"}']));
    expect(logs.some((line) => line.includes("returned as it is"))).toBe(true);
  });

  test.each([
    ["a reply that called tools", { type: "finish", reason: "tool_calls" } as RenderedDelta],
    ["a reply cut by max_tokens", { type: "finish", reason: "length" } as RenderedDelta],
    ["a reply that failed", { type: "failed", message: "cut" } as RenderedDelta],
  ])("%s is handed on unchecked", async (_label, end) => {
    const items = deltas(["not json"], end);
    const { handed, requests } = await run(strict, [items]);
    expect([handed, requests.length]).toEqual([items, 1]);
  });
});
