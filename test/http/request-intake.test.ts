/**
 * @module The request intake end to end: the body limit on the bytes received whatever the framing (OpenAI's 413 for
 * every size, nothing upstream), the content type, the nesting depth, forms where chat2api used them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Harness, post, startHarness } from "../e2e/harness.ts";
import { fakeRefreshToken } from "../pool/fixtures.ts";

const LIMIT = 256 * 1024;
const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_BODY_SIZE: String(LIMIT) } });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

/** A JSON chat body padded past `bytes`, sent in 16 KB chunks with no Content-Length (chunked framing). */
function chunkedChat(bytes: number): ReadableStream<Uint8Array> {
  const text = JSON.stringify({ ...chat, messages: [{ role: "user", content: "x".repeat(bytes) }] });
  const encoded = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= encoded.length) return controller.close();
      controller.enqueue(encoded.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
    },
  });
}

const tooLarge = { error: { message: `Request body too large: the limit is ${LIMIT} bytes.`, type: "invalid_request_error", param: null, code: "request_too_large" } };

describe("body limit", () => {
  test("a chunked body over the limit is a 413 in OpenAI's shape, and nothing reaches the upstream", async () => {
    h.emulator.reset();
    const response = await h.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunkedChat(9 * LIMIT),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 413, body: tooLarge });
    expect(h.emulator.stats().conversations).toBe(0);
    expect(h.emulator.log.filter((entry) => entry.path.includes("conversation"))).toEqual([]);
  });

  test("through the gateway too: a chunked body over the limit is a 413, and the upstream sees none of it", async () => {
    h.emulator.reset();
    const response = await h.fetch("/backend-anon/conversation", { method: "POST", headers: { "content-type": "application/json" }, body: chunkedChat(9 * LIMIT) });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 413, body: tooLarge });
    expect(h.emulator.log.filter((entry) => entry.body !== undefined)).toEqual([]);
  });

  test("a chunked body under the limit is served", async () => {
    const response = await h.fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: chunkedChat(1024) });
    expect(response.status).toBe(200);
  });

  test("a 100 MB body is a 413 in OpenAI's shape (never Bun's empty one)", async () => {
    const response = await h.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Uint8Array(100 * 1024 * 1024).fill(0x20),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 413, body: tooLarge });
  }, 30_000);

  test("a 100 MB chunked body is a 413 in OpenAI's shape", async () => {
    const response = await h.fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: chunkedChat(100 * 1024 * 1024) });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 413, body: tooLarge });
  }, 30_000);
});

describe("content type", () => {
  test.each([
    [undefined, "no Content-Type"],
    ["text/plain", "Content-Type: text/plain"],
    ["application/x-www-form-urlencoded", "Content-Type: application/x-www-form-urlencoded"],
  ])("a JSON body with %p is a 415 that names application/json, and nothing goes upstream", async (contentType, sent) => {
    h.emulator.reset();
    const response = await h.fetch("/v1/chat/completions", {
      method: "POST",
      headers: contentType ? { "content-type": contentType } : {},
      body: new Blob([JSON.stringify(chat)]),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 415,
      body: {
        error: {
          message: `This endpoint takes a JSON body: send it with the header Content-Type: application/json. The request had ${sent}.`,
          type: "invalid_request_error",
          param: null,
          code: "unsupported_media_type",
        },
      },
    });
    expect(h.emulator.log).toEqual([]);
  });

  test("chat2api's form upload still works (multipart and urlencoded); bodiless POSTs too", async () => {
    const form = new FormData();
    form.set("text", fakeRefreshToken("multipart"));
    expect((await h.fetch("/tokens/upload", { method: "POST", body: form })).status).toBe(200);
    expect((await h.fetch("/tokens/upload", { method: "POST", body: new URLSearchParams({ text: fakeRefreshToken("urlencoded") }) })).status).toBe(200);
    const listed = (await (await h.fetch("/admin/api/accounts")).json()) as { data: unknown[] };
    expect(listed.data.length).toBe(2);
    expect((await h.fetch("/tokens/clear", { method: "POST" })).status).toBe(200);
    expect((await h.fetch("/admin/api/refresh", { method: "POST", headers: { "content-type": "application/json" } })).status).toBe(200);
    expect(((await (await h.fetch("/admin/api/accounts")).json()) as { data: unknown[] }).data).toEqual([]);
  });
});

describe("nesting depth", () => {
  test("a body nested 100,000 levels deep is a 400 saying so, and the server keeps answering", async () => {
    h.emulator.reset();
    const depth = 100_000;
    const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi","x":${"[".repeat(depth)}${"]".repeat(depth)}}]}`;
    const began = performance.now();
    const [response, models] = await Promise.all([
      h.fetch("/v1/chat/completions", post(body)),
      h.fetch("/v1/models").then((answer) => ({ status: answer.status, ms: performance.now() - began })),
    ]);
    // the issue's own bound: other requests are answered within 1 s while the hostile one is in flight
    expect(models.status).toBe(200);
    expect(models.ms).toBeLessThan(1000);
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 400,
      body: {
        error: {
          message: "The JSON body nests more than 64 levels deep; no valid request does. Flatten it.",
          type: "invalid_request_error",
          param: null,
          code: "json_too_deep",
        },
      },
    });
    expect(h.emulator.log).toEqual([]);
  });
});
