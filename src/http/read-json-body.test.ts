/**
 * @module The body reader's contract: the limit holds on bytes received whatever the framing and stops reading at
 * it, the content type is checked, nesting is measured before parsing, forms only where asked for.
 */
import { describe, expect, test } from "bun:test";
import { ApiError } from "../errors.ts";
import { jsonNestingExceeds } from "./json-nesting.ts";
import { readBodyBytes } from "./read-body-bytes.ts";
import { MAX_JSON_DEPTH, readJsonBody } from "./read-json-body.ts";

const encoder = new TextEncoder();

/** A body that arrives in `count` chunks of `size` bytes, with no length known in advance; counts what was pulled. */
function chunkedBody(count: number, size: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === count) return controller.close();
      seen.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

function request(body: BodyInit | null, contentType?: string): Request {
  return new Request("http://127.0.0.1/x", { method: "POST", body, headers: contentType ? { "content-type": contentType } : {} });
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string | null; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { status: error.status, code: error.code, message: error.message };
}

describe("readBodyBytes", () => {
  test("a chunked body over the limit is refused with 413 and not read past the limit", async () => {
    const { stream, seen } = chunkedBody(1000, 1024);
    expect(await refusal(readBodyBytes(stream, 10 * 1024))).toEqual({
      status: 413,
      code: "request_too_large",
      message: "Request body too large: the limit is 10240 bytes.",
    });
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThan(20);
  });

  test("a body of exactly the limit is read whole, chunks joined in order", async () => {
    const parts = ["ab", "cde", "f"].map((part) => encoder.encode(part));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    expect(new TextDecoder().decode(await readBodyBytes(stream, 6))).toBe("abcdef");
  });
});

describe("jsonNestingExceeds", () => {
  const nested = (depth: number) => encoder.encode(`${"[".repeat(depth)}${"]".repeat(depth)}`);

  test.each([
    [MAX_JSON_DEPTH, false],
    [MAX_JSON_DEPTH + 1, true],
    [100_000, true],
  ])("%p levels of arrays → %p", (depth, exceeds) => {
    expect(jsonNestingExceeds(nested(depth), MAX_JSON_DEPTH)).toBe(exceeds);
  });

  test("brackets inside strings, escaped quotes and multibyte text do not count", () => {
    const text = JSON.stringify({ a: "[[[[{{{{ \\\" [[[[ é 🎉 \" {{{{", b: [{ c: "]]]]" }] });
    expect(jsonNestingExceeds(encoder.encode(text), 3)).toBe(false);
    expect(jsonNestingExceeds(encoder.encode(text), 2)).toBe(true);
  });
});

describe("readJsonBody", () => {
  const rules = { maxBytes: 1024 };

  test("JSON (and +json) is parsed", async () => {
    expect(await readJsonBody(request('{"model":"m"}', "application/json; charset=utf-8"), rules)).toEqual({ model: "m" });
    expect(await readJsonBody(request("[1]", "application/vnd.api+json"), rules)).toEqual([1]);
  });

  test("no body, or an empty one of any type, is null", async () => {
    expect(await readJsonBody(new Request("http://127.0.0.1/x", { method: "POST" }), rules)).toBeNull();
    expect(await readJsonBody(request("", "application/x-www-form-urlencoded"), rules)).toBeNull();
  });

  test.each([
    [undefined, "no Content-Type"],
    ["text/plain", "Content-Type: text/plain"],
    ["application/x-www-form-urlencoded", "Content-Type: application/x-www-form-urlencoded"],
  ])("a JSON body sent with %p is a 415 naming application/json", async (contentType, sent) => {
    const body = new Blob(['{"model":"m"}']);
    expect(await refusal(readJsonBody(request(body, contentType), rules))).toEqual({
      status: 415,
      code: "unsupported_media_type",
      message: `This endpoint takes a JSON body: send it with the header Content-Type: application/json. The request had ${sent}.`,
    });
  });

  test("a body nested deeper than the limit is a 400 before parsing; 100,000 levels too", async () => {
    for (const depth of [MAX_JSON_DEPTH + 1, 100_000]) {
      const refused = await refusal(readJsonBody(request(`${"[".repeat(depth)}${"]".repeat(depth)}`, "application/json"), { maxBytes: 1 << 20 }));
      expect(refused).toEqual({
        status: 400,
        code: "json_too_deep",
        message: `The JSON body nests more than ${MAX_JSON_DEPTH} levels deep; no valid request does. Flatten it.`,
      });
    }
  });

  test("invalid JSON is a 400 invalid_json", async () => {
    expect((await refusal(readJsonBody(request("{nope", "application/json"), rules))).code).toBe("invalid_json");
  });

  test("the size limit applies to JSON bodies", async () => {
    const { stream } = chunkedBody(10, 512);
    expect((await refusal(readJsonBody(request(stream, "application/json"), rules))).status).toBe(413);
  });

  test("forms only where accepted: urlencoded and multipart give each field's first value", async () => {
    const forms = { ...rules, acceptForms: true };
    expect(await readJsonBody(request("text=a%0Ab&text=c&__proto__=x", "application/x-www-form-urlencoded"), forms)).toEqual(
      JSON.parse('{"text":"a\\nb","__proto__":"x"}'),
    );
    const form = new FormData();
    form.set("text", "line1 line2");
    const multipart = new Request("http://127.0.0.1/x", { method: "POST", body: form });
    expect(await readJsonBody(multipart, forms)).toEqual({ text: "line1 line2" });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
