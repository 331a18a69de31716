/**
 * End-to-end media (issue #3 point 1): images and files reach the emulator as uploaded pointers and attachments with
 * their real sizes; bad input (private URL, oversized, not base64, audio) is a 400 naming the part, and
 * nothing reaches the upstream.
 */
import { afterAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import { makeTestPng, SAMPLE_PDF } from "../../src/media/__fixtures__/sample-files.ts";
import { type Harness, post } from "./harness.ts";
import { harnessWithAccount } from "./suite-harness.ts";

const TWENTY_MB = 20 * 1024 * 1024;
const photo = makeTestPng(320, 200);
const served: string[] = [];
const images = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request): Response {
    const { pathname } = new URL(request.url);
    served.push(pathname);
    if (pathname === "/photo.png") return new Response(photo, { headers: { "content-type": "image/png" } });
    if (pathname === "/huge.png") return new Response(new Uint8Array(TWENTY_MB), { headers: { "content-type": "image/png" } });
    if (pathname === "/to-loopback") return Response.redirect(`http://127.0.0.1:${images.port}/photo.png`, 302);
    return new Response("no", { status: 404 });
  },
});
const imageBase = `http://127.0.0.1:${images.port}`;
afterAll(() => images.stop(true));

function upstreamCalls(h: Harness): string[] {
  return h.emulator.log.map((entry) => `${entry.method} ${entry.path}`).filter((call) => !call.startsWith("GET /_"));
}

function lastConversation(h: Harness) {
  return h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1);
}

async function badRequest(h: Harness, apiKey: string, content: unknown): Promise<{ status: number; error: unknown }> {
  const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o", messages: [{ role: "user", content }] }, apiKey));
  return { status: response.status, error: ((await response.json()) as { error: unknown }).error };
}

describe("with ALLOW_PRIVATE_URLS=true (images served from localhost)", () => {
  const suite = harnessWithAccount({ env: { ALLOW_PRIVATE_URLS: "true", MAX_FILE_SIZE: "16mb" } });

  test("a base64 PNG and a URL image reach the upstream as pointers with their width and height", async () => {
    const completion = await suite.h.client(suite.account.accessToken).chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare these two." },
            { type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(makeTestPng(64, 48)).toString("base64")}` } },
            { type: "image_url", image_url: { url: `${imageBase}/photo.png` } },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    // two images of one 512-px tile each: 2 × (170 + 85) prompt tokens on top of the text (§10.3)
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(510);
    const sent = lastConversation(suite.h);
    expect(sent?.imagePointers?.map(({ width, height }) => ({ width, height }))).toEqual([
      { width: 64, height: 48 },
      { width: 320, height: 200 },
    ]);
    expect(sent?.attachments).toEqual([
      expect.objectContaining({ mime_type: "image/png", width: 64, height: 48 }),
      expect.objectContaining({ mime_type: "image/png", width: 320, height: 200, name: "photo.png", size: photo.byteLength }),
    ]);
  });

  test("a PDF file part reaches the upstream as an attachment after the retrieval index is ready", async () => {
    const before = suite.h.emulator.log.length;
    await suite.h.client(suite.account.accessToken).chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Summarise the report." },
            { type: "file", file: { file_data: `data:application/pdf;base64,${Buffer.from(SAMPLE_PDF).toString("base64")}`, filename: "report.pdf" } },
          ],
        },
      ],
    });
    const sent = lastConversation(suite.h);
    expect(sent?.attachments).toEqual([{ id: expect.stringMatching(/^file-/), size: SAMPLE_PDF.byteLength, name: "report.pdf", mime_type: "application/pdf" }]);
    expect(sent?.imagePointers ?? []).toEqual([]);
    const polls = suite.h.emulator.log.slice(before).filter((entry) => entry.method === "GET" && /\/files\/file-[\w-]+$/.test(entry.path));
    expect(polls.at(-1)?.status).toBe(200);
  });

  test("a 20 MB image URL is a 400 naming the part, and nothing reaches the upstream", async () => {
    suite.h.emulator.reset();
    const result = await badRequest(suite.h, suite.account.accessToken, [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: `${imageBase}/huge.png` } }]);
    expect(result).toEqual({
      status: 400,
      error: {
        message: `The image_url part messages[0].content[1] cannot be used: the file is larger than the limit of 16 MB (16777216 bytes) (the server announced ${TWENTY_MB} bytes).`,
        type: "invalid_request_error",
        param: "messages[0].content[1]",
        code: null,
      },
    });
    expect(upstreamCalls(suite.h)).toEqual([]);
  });
});

describe("with private URLs refused (the default)", () => {
  const suite = harnessWithAccount();

  test.each<[string, unknown, string]>([
    [
      "a URL on 127.0.0.1",
      { type: "image_url", image_url: { url: `${imageBase}/to-loopback` } },
      "The image_url part messages[0].content[1] cannot be used: the host 127.0.0.1 is a loopback address, which user URLs may not reach (ALLOW_PRIVATE_URLS is off).",
    ],
    [
      "a data: URL that is not base64",
      { type: "image_url", image_url: { url: "data:image/png,not%20base64" } },
      "The image_url part messages[0].content[1] cannot be used: the data: URL is not base64 (expected data:<type>;base64,…).",
    ],
    [
      "input_audio",
      { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
      "Audio input is not supported (messages[0].content[1]): ChatGPT's web backend takes no audio parts.",
    ],
  ])("%s is a 400 naming the part, and nothing reaches the upstream", async (_label, part, message) => {
    suite.h.emulator.reset();
    served.length = 0;
    const result = await badRequest(suite.h, suite.account.accessToken, [{ type: "text", text: "look" }, part]);
    expect(result).toEqual({ status: 400, error: { message, type: "invalid_request_error", param: "messages[0].content[1]", code: null } });
    expect(upstreamCalls(suite.h)).toEqual([]);
    expect(served).toEqual([]);
  });

  test("the SDK surfaces the refusal as a BadRequestError with the part as param", async () => {
    const content: ChatCompletionContentPart[] = [{ type: "image_url", image_url: { url: `${imageBase}/photo.png` } }];
    const error = await suite.h
      .client(suite.account.accessToken)
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content }] })
      .then(() => null, (caught: unknown) => caught);
    expect(error instanceof OpenAI.BadRequestError ? [error.status, error.param] : error).toEqual([400, "messages[0].content[0]"]);
  });
});
