/**
 * End-to-end (issue #7, bounded work per request): a request with 200 image URLs is a 400 naming the first URL over
 * MAX_ATTACHMENT_URLS before any URL is fetched (the image server counts zero hits) and the process's memory stays
 * flat; MAX_ATTACHMENTS and MAX_MEDIA_SIZE are enforced the same way; requests within the caps are served.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { makeTestPng } from "../../src/media/__fixtures__/sample-files.ts";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";

const TWO_MB = 2 * 1024 * 1024;
// a real PNG header, padded to 2 MB: big enough that fetching 200 of them would show in the RSS
const bigPng = new Uint8Array(TWO_MB);
bigPng.set(makeTestPng(64, 64));
const hits: string[] = [];
const images = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request): Response {
    hits.push(new URL(request.url).pathname);
    return new Response(bigPng, { headers: { "content-type": "image/png" } });
  },
});
afterAll(() => images.stop(true));
const imageUrl = (n: number) => `http://127.0.0.1:${images.port}/photo-${n}.png`;
const imagePart = (n: number) => ({ type: "image_url", image_url: { url: imageUrl(n) } });

let h: Harness;
let account: EmulatedAccount;
beforeAll(async () => {
  h = await startHarness({ env: { ALLOW_PRIVATE_URLS: "true", MAX_FILE_SIZE: "4mb", MAX_ATTACHMENTS: "20", MAX_ATTACHMENT_URLS: "10", MAX_MEDIA_SIZE: "5mb" } });
  account = h.emulator.addAccount({ plan: "plus" });
});
afterAll(() => h?.[Symbol.asyncDispose]());

function upstreamCalls(): string[] {
  return h.emulator.log.map((entry) => `${entry.method} ${entry.path}`).filter((call) => !call.startsWith("GET /_"));
}

interface ErrorBody {
  error?: { message: unknown; type: unknown; param: unknown; code: unknown };
}

async function ask(content: unknown[]): Promise<{ status: number; body: ErrorBody }> {
  h.emulator.reset();
  hits.length = 0;
  const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o", messages: [{ role: "user", content }] }, account.accessToken));
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

function rssMb(): number {
  Bun.gc(true);
  return process.memoryUsage().rss / (1024 * 1024);
}

describe("caps on the media of one request", () => {
  test("two image URLs within the caps are fetched once each and reach the upstream", async () => {
    const { status } = await ask([{ type: "text", text: "compare" }, imagePart(1), imagePart(2)]);
    expect(status).toBe(200);
    expect(hits.sort()).toEqual(["/photo-1.png", "/photo-2.png"]);
    expect(h.emulator.stats().conversations).toBe(1);
  }, 30_000); // the first reply loads the tokenizer

  test("200 image URLs: a 400 naming the 11th (over MAX_ATTACHMENT_URLS) before any fetch, nothing upstream, and RSS stays flat", async () => {
    const content = [{ type: "text", text: "all of them" }, ...Array.from({ length: 200 }, (_, n) => imagePart(n))];
    await ask(content); // warm-up: the route's first run allocates what every later one reuses
    const before = rssMb();
    for (let round = 0; round < 5; round++) {
      const { status, body } = await ask(content);
      expect(status).toBe(400);
      expect(body.error).toEqual({
        message: "Too many image URLs: messages[0].content[11] is URL number 11, and one request may have at most 10 fetched (MAX_ATTACHMENT_URLS).",
        type: "invalid_request_error",
        param: "messages[0].content[11]",
        code: "too_many_attachment_urls",
      });
      expect(hits).toEqual([]);
      expect(upstreamCalls()).toEqual([]);
    }
    const grownMb = rssMb() - before;
    // 5 × 200 fetched images would be 2 GB; refused up front it is noise
    expect(grownMb).toBeLessThan(50);
  }, 30_000);

  test("21 inline images and no URL: the 21st is over MAX_ATTACHMENTS, named before any decoding, nothing upstream", async () => {
    const inline = { type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(makeTestPng(8, 8)).toString("base64")}` } };
    const { status, body } = await ask(Array.from({ length: 21 }, () => inline));
    expect(body.error).toEqual({
      message: "Too many images and files: messages[0].content[20] is number 21, and one request may carry at most 20 (MAX_ATTACHMENTS).",
      type: "invalid_request_error",
      param: "messages[0].content[20]",
      code: "too_many_attachments",
    });
    expect(status).toBe(400);
    expect(upstreamCalls()).toEqual([]);
  });

  test("three 2 MB images against MAX_MEDIA_SIZE=5mb: the part that crosses it is named, nothing upstream", async () => {
    const { status, body } = await ask([imagePart(1), imagePart(2), imagePart(3)]);
    expect(status).toBe(400);
    expect(String(body.error?.param)).toMatch(/^messages\[0\]\.content\[[0-2]\]$/);
    expect(String(body.error?.message)).toContain("the request's images and files together are larger than the limit of 5 MB (5242880 bytes) (MAX_MEDIA_SIZE)");
    expect(upstreamCalls()).toEqual([]);
  });
});
