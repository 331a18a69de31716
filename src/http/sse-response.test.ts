/** The SSE writer's contract: one data line per item, [DONE] then close; keep-alives while idle; an error is last. */
import { describe, expect, test } from "bun:test";
import { InvalidRequestError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { sseResponse } from "./sse-response.ts";

/** A stream that yields `items`, optionally waiting for `gate` before the last one, optionally failing at the end. */
function source(items: object[], options: { gate?: Promise<void>; failWith?: Error } = {}): ReadableStream<object> {
  let index = 0;
  return new ReadableStream<object>({
    async pull(controller) {
      if (index === items.length - 1 && options.gate) await options.gate;
      if (index < items.length) controller.enqueue(items[index++] as object);
      else if (options.failWith) controller.error(options.failWith);
      else controller.close();
    },
  });
}

describe("sseResponse", () => {
  test("writes one compact data line per item, then data: [DONE], then closes", async () => {
    const response = sseResponse(source([{ a: 1 }, { b: "two" }]), { headers: { "x-request-id": "req_1" }, logger: silentLogger });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("x-request-id")).toBe("req_1");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(await response.text()).toBe('data: {"a":1}\n\ndata: {"b":"two"}\n\ndata: [DONE]\n\n');
  });

  test("an error item is the last thing written: no [DONE] after it", async () => {
    const error = { error: { message: "boom", type: "upstream_error", param: null, code: "upstream_stream_failed" } };
    const response = sseResponse(source([{ a: 1 }, error, { never: true }]), { headers: {}, logger: silentLogger });
    expect(await response.text()).toBe(`data: {"a":1}\n\ndata: ${JSON.stringify(error)}\n\n`);
  });

  test("a stream that fails after the first byte ends with an OpenAI error event", async () => {
    const response = sseResponse(source([{ a: 1 }], { failWith: new InvalidRequestError("bad part", { param: "messages[0]" }) }), {
      headers: {},
      logger: silentLogger,
    });
    expect(await response.text()).toBe(
      'data: {"a":1}\n\ndata: {"error":{"message":"bad part","type":"invalid_request_error","param":"messages[0]","code":null}}\n\n',
    );
  });

  test("idle gaps get : keep-alive comments that clients skip", async () => {
    const { promise: gate, resolve: open } = Promise.withResolvers<void>();
    const response = sseResponse(source([{ a: 1 }, { b: 2 }], { gate }), { headers: {}, keepAliveMs: 20, logger: silentLogger });
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes(": keep-alive")) seen += decoder.decode((await reader.read()).value);
    open();
    for (let read = await reader.read(); !read.done; read = await reader.read()) seen += decoder.decode(read.value);
    expect(seen.startsWith('data: {"a":1}\n\n')).toBe(true);
    expect(seen.replaceAll(": keep-alive\n\n", "")).toBe('data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n');
  });

  test("a client that stops reading holds one item: nothing is read ahead, no keep-alive piles up, and it is let go", async () => {
    let pulls = 0;
    const cancelled = Promise.withResolvers<unknown>();
    const endless = new ReadableStream<object>(
      { pull: (controller) => controller.enqueue({ n: ++pulls }), cancel: (reason) => cancelled.resolve(reason) },
      { highWaterMark: 0 },
    );
    const response = sseResponse(endless, { headers: {}, keepAliveMs: 10, stalledClientMs: 300, logger: silentLogger });
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"n":1}\n\n');
    // the reader stops here: the source is asked for one more item to fill the queue of one, then for none
    expect(await cancelled.promise).toBe("the client stopped reading");
    expect(pulls).toBe(2);
    // erroring drops the waiting item: the connection ends without more
    await expect(reader.read()).rejects.toThrow("the client stopped reading");
  });
});
