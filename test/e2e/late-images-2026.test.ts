/**
 * End-to-end (web-2026.md §7.2): images that ChatGPT finishes after the stream. The emulator's 2026 mode with
 * `asyncImages` streams only a "Processing image…" placeholder; the image is in `GET conversation/{id}` once
 * `asyncImageDelayMs` has passed (or never). chat2api looks at the conversation until it is there, within
 * LATE_IMAGE_WAIT_MS, and returns the image through `/v1/images/generations` and chat alike.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, startHarness } from "./harness.ts";

let h: Harness;
let plus: EmulatedAccount;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const WAIT_MS = 2_000;
const TREE_PATH = /^\/backend-api\/conversation\/[\w-]+$/;
const ATTACHMENT_PATH = /^\/backend-api\/conversation\/[\w-]+\/attachment\/[\w-]+\/download$/;

beforeAll(async () => {
  h = await startHarness({ emulator: { webGeneration: "2026", asyncImages: true }, env: { LATE_IMAGE_WAIT_MS: String(WAIT_MS) } });
  plus = h.emulator.addAccount({ plan: "plus" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});
beforeEach(() => {
  h.emulator.reset();
  // ready after the first look (at 500 ms), so every success below needed a second one
  h.emulator.configureWeb2026({ asyncImageDelayMs: 600 });
});

function client() {
  return h.client(plus.accessToken);
}

function treeLooks() {
  return h.emulator.log.filter((entry) => entry.method === "GET" && TREE_PATH.test(entry.path));
}

/** The bytes behind the attachment chat2api looked up, fetched with the headers a 2026 page sends. */
async function servedImage(): Promise<Uint8Array<ArrayBuffer>> {
  const lookUp = h.emulator.log.find((entry) => entry.method === "GET" && ATTACHMENT_PATH.test(entry.path));
  const headers = { authorization: `Bearer ${plus.accessToken}`, "oai-device-id": crypto.randomUUID() };
  const answer = await fetch(`${h.emulator.url}${lookUp?.path}`, { headers });
  expect(answer.status).toBe(200);
  const { download_url: url } = (await answer.json()) as { download_url: string };
  // 2026's link is an estuary URL on the upstream's host: it still needs the bearer (web-2026.md §7.3)
  const anonymous = await fetch(url);
  expect([anonymous.status, await anonymous.json()]).toEqual([403, { detail: "File stream access denied." }]);
  const file = await fetch(url, { headers });
  expect(file.status).toBe(200);
  return new Uint8Array(await file.arrayBuffer());
}

async function failure(request: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await request.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe("images finished after the stream (2026)", () => {
  test("/v1/images/generations returns the PNG bytes the emulator serves, found by looking at the conversation", async () => {
    const response = await client().images.generate({ model: "gpt-image-1", prompt: "A red fox" });
    const bytes = new Uint8Array(Buffer.from(response.data?.[0]?.b64_json ?? "", "base64"));
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(bytes).toEqual(await servedImage());
    expect(response.data?.[0]?.revised_prompt ?? "").toContain("A red fox");
    const looks = treeLooks();
    expect(looks.length).toBeGreaterThanOrEqual(2);
    // the looks go out as every 2026 backend call does, with the device id, and are answered
    expect(looks.at(-1)?.status).toBe(200);
  });

  test("a chat image request answers with the image as markdown, its link serving the bytes", async () => {
    const completion = await client().chat.completions.create({ model: "gpt-image-1", messages: [{ role: "user", content: "Draw an owl" }] });
    const text = completion.choices[0]?.message.content ?? "";
    const links = [...text.matchAll(/!\[image\]\((http[^)\s]+)\)/g)].map((match) => match[1] ?? "");
    expect(links).toHaveLength(1);
    expect(text).not.toContain("Processing image");
    // the upstream's link needs the account's bearer, so the link is chat2api's own, which a browser can open as is
    expect(links[0]?.startsWith(`${h.server.url}/v1/assets/`)).toBe(true);
    const served = await fetch(links[0] ?? "");
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(await servedImage());
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  test("streamed: the image arrives before [DONE] in the same stream", async () => {
    const stream = await client().chat.completions.create({ model: "gpt-image-1", messages: [{ role: "user", content: "Draw a heron" }], stream: true });
    let text = "";
    let finish: string | null | undefined = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toMatch(/!\[image\]\(http[^)\s]+\)/);
    expect(finish).toBe("stop");
  });

  test("an image that never finishes within LATE_IMAGE_WAIT_MS is a clear 502, for images and chat, not a hang", async () => {
    h.emulator.configureWeb2026({ asyncImageDelayMs: null });
    const images = await failure(client().images.generate({ prompt: "A lighthouse" }));
    const chat = await failure(client().chat.completions.create({ model: "gpt-image-1", messages: [{ role: "user", content: "Draw a boat" }] }));
    for (const error of [images, chat]) {
      expect(error.status).toBe(502);
      expect(error.message).toContain(`was not ready after ${WAIT_MS / 1000} s`);
    }
    expect(images.code).toBe("upstream_stream_failed");
    // every look was answered; none went out after the bound
    expect(treeLooks().every((entry) => entry.status === 200)).toBe(true);
  });
});
