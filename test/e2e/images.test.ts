/**
 * End-to-end: `POST /v1/images/generations` through the openai SDK. Images come from ChatGPT's image generation
 * (the emulator's `image-gen` and `dalle` scenarios) and are returned as the bytes the emulator serves.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";
import { webGenerationUnderTest } from "../support/web-generation.ts";

let h: Harness;
let plus: EmulatedAccount;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DOWNLOAD_PATH = /^\/backend-api\/(?:conversation\/[\w-]+\/attachment|files)\/[\w-]+\/download$/;

beforeAll(async () => {
  h = await startHarness();
  plus = h.emulator.addAccount({ plan: "plus" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});
beforeEach(() => h.emulator.reset());

function images() {
  return h.client(plus.accessToken).images;
}

/**
 * The bytes the emulator serves for each image chat2api looked up, asked for the way a browser would: with the
 * bearer and a device id, which every 2026 backend call needs (web-2026.md §2.1) and the 2024 backend ignores.
 */
async function servedImages(): Promise<Uint8Array<ArrayBuffer>[]> {
  const lookUps = h.emulator.log.filter((entry) => entry.method === "GET" && DOWNLOAD_PATH.test(entry.path));
  const headers = { authorization: `Bearer ${plus.accessToken}`, "oai-device-id": crypto.randomUUID() };
  return Promise.all(
    lookUps.map(async (entry) => {
      const answer = await fetch(`${h.emulator.url}${entry.path}`, { headers });
      expect(answer.status).toBe(200);
      const { download_url: url } = (await answer.json()) as { download_url: string };
      // 2026's links are on the upstream's host and still need the bearer (web-2026.md §7.3)
      const file = await fetch(url, { headers });
      expect(file.status).toBe(200);
      return new Uint8Array(await file.arrayBuffer());
    }),
  );
}

function conversationBodies(): Record<string, unknown>[] {
  return h.emulator.log.filter((entry) => entry.method === "POST" && entry.path.endsWith("/conversation")).map((entry) => entry.body as Record<string, unknown>);
}

async function expectError(request: Promise<unknown>, status: number, fields: Record<string, unknown>): Promise<void> {
  const error = await request.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
  expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject(fields);
}

describe("POST /v1/images/generations", () => {
  test("b64_json by default: the PNG bytes the emulator serves, the tool's prompt as revised_prompt, usage for gpt-image-1", async () => {
    const response = await images().generate({ model: "gpt-image-1", prompt: "A red fox [[scenario:image-gen]]", size: "1024x1536" });
    const served = await servedImages();
    expect(served).toHaveLength(1);
    expect(response.data).toHaveLength(1);
    const image = response.data?.[0];
    const bytes = new Uint8Array(Buffer.from(image?.b64_json ?? "", "base64"));
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(bytes).toEqual(served[0] as Uint8Array<ArrayBuffer>);
    expect(image?.url).toBeUndefined();
    expect(image?.revised_prompt ?? "").toContain("A red fox");
    const inputTokens = response.usage?.input_tokens ?? 0;
    expect(inputTokens).toBeGreaterThan(0);
    expect(response.usage).toEqual({
      input_tokens: inputTokens,
      output_tokens: 0,
      total_tokens: inputTokens,
      input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
    });
    expect(response.created).toBeNumber();
  });

  test("every image model asks ChatGPT with the picture_v2 hint, the size and style written into the prompt", async () => {
    await images().generate({ model: "dall-e-3", prompt: "A lighthouse [[scenario:image-gen]]", size: "1792x1024", style: "natural" });
    const [body] = conversationBodies();
    expect(body?.system_hints).toEqual(["picture_v2"]);
    const messages = body?.messages as Array<{ metadata: { system_hints?: string[] }; content: { parts: string[] } }>;
    expect(messages.at(-1)?.metadata.system_hints).toEqual(["picture_v2"]);
    const text = messages.at(-1)?.content.parts[0] ?? "";
    expect(text).toContain("Size: 1792x1024 (landscape).");
    expect(text).toContain("Style: natural");
    expect(text).toContain("Description: A lighthouse");
    expect(body).not.toHaveProperty("history_and_training_disabled");
  });

  test("response_format url returns a link that serves the image, and no base64", async () => {
    const response = await images().generate({ model: "dall-e-3", prompt: "A boat [[scenario:image-gen]]", response_format: "url" });
    const image = response.data?.[0];
    expect(image?.b64_json).toBeUndefined();
    const served = await fetch(image?.url ?? "");
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    // a link the client can open: the upstream's signed one (2024), or chat2api's own when the upstream's needs the account's bearer (2026)
    expect(image?.url?.startsWith(webGenerationUnderTest() === "2026" ? `${h.server.url}/v1/assets/` : h.emulator.url)).toBe(true);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual((await servedImages())[0] as Uint8Array<ArrayBuffer>);
    expect(response.usage).toBeUndefined();
  });

  test("n=2 runs two conversations and returns two images", async () => {
    const response = await images().generate({ prompt: "Two cats [[scenario:image-gen]]", n: 2 });
    expect(conversationBodies()).toHaveLength(2);
    const served = await servedImages();
    expect(response.data?.map((image) => Buffer.from(image.b64_json ?? "", "base64").toString("hex")).sort()).toEqual(
      served.map((bytes) => Buffer.from(bytes).toString("hex")).sort(),
    );
  });

  test("a DALL·E answer (file-service pointer) is returned the same way", async () => {
    const response = await images().generate({ model: "dall-e-2", prompt: "A dog [[scenario:dalle]]", size: "512x512" });
    const served = await servedImages();
    expect(Buffer.from(response.data?.[0]?.b64_json ?? "", "base64").equals(Buffer.from(served[0] as Uint8Array<ArrayBuffer>))).toBe(true);
    expect(response.data?.[0]?.revised_prompt ?? "").toContain("A dog");
  });

  test.each([
    ["an empty prompt", { prompt: "" }, "prompt"],
    ["a blank prompt", { prompt: "   " }, "prompt"],
    ["no prompt", { model: "gpt-image-1" }, "prompt"],
    ["n above chat2api's 4", { prompt: "x", n: 10 }, "n"],
    ["n=0", { prompt: "x", n: 0 }, "n"],
    ["n=2 for dall-e-3", { prompt: "x", model: "dall-e-3", n: 2 }, "n"],
    ["a size the model does not offer", { prompt: "x", model: "dall-e-2", size: "1792x1024" }, "size"],
    ["a malformed size", { prompt: "x", size: "big" }, "size"],
    ["an unknown model", { prompt: "x", model: "midjourney" }, "model"],
    ["an unknown response_format", { prompt: "x", response_format: "jpeg" }, "response_format"],
    ["hd quality for gpt-image-1", { prompt: "x", quality: "hd" }, "quality"],
    ["streaming", { prompt: "x", stream: true }, "stream"],
  ])("%s is a 400 naming the field, and nothing goes upstream", async (_name, body, param) => {
    const response = await h.fetch("/v1/images/generations", post(body, plus.accessToken));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string | null; type: string } }).error).toMatchObject({ param, type: "invalid_request_error" });
    expect(conversationBodies()).toEqual([]);
  });

  test("a moderated prompt is a 400 content_policy_violation carrying the refusal", async () => {
    await expectError(images().generate({ prompt: "Something bad [[scenario:moderation]]" }), 400, {
      code: "content_policy_violation",
      message: expect.stringContaining("can't help"),
    });
  });

  test("an answer without an image is a 400 content_policy_violation quoting what ChatGPT said", async () => {
    // a text-only scenario: the 2026 emulator, like chatgpt.com, draws for any picture_v2 turn left to itself
    await expectError(images().generate({ prompt: "Just talk [[scenario:preamble]]" }), 400, {
      code: "content_policy_violation",
      message: expect.stringContaining("You said:"),
    });
  });

  test("an upstream outage maps like chat: 502 after the retries", async () => {
    h.emulator.inject({ endpoint: "conversation", kind: { type: "status", status: 500 }, times: 10 });
    await expectError(images().generate({ prompt: "A tree [[scenario:image-gen]]" }), 502, { code: "upstream_unavailable" });
  });

  test("a capped account is a 429 with Retry-After", async () => {
    // its own account: chat2api remembers the cap for the token (ENABLE_LIMIT)
    const capped = h.emulator.addAccount({ plan: "plus" });
    h.emulator.inject({ endpoint: "conversation", kind: { type: "cap", clearsInSec: 30 }, account: capped.id });
    const response = await h.fetch("/v1/images/generations", post({ prompt: "A tree [[scenario:image-gen]]" }, capped.accessToken));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("an image whose download fails is a 502 naming the download", async () => {
    h.emulator.inject({ endpoint: "files", kind: { type: "status", status: 500 }, times: 10 });
    await expectError(images().generate({ prompt: "A tree [[scenario:image-gen]]" }), 502, { code: "image_download_failed" });
  });
});
