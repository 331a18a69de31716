import { describe, expect, test } from "bun:test";
import { ApiError, RateLimitError } from "../../errors.ts";
import { resolveModel } from "../../translate/model-names.ts";
import type { AssetRef, RenderedDelta } from "../../translate/render-events.ts";
import type { Reply, ReplyContext, ReplyRequest } from "../../reply/reply-service.ts";
import type { DownloadedImage } from "../../media/download-image.ts";
import { ImagesService } from "./service.ts";

const NOW = 1_750_000_000_000;
const REF: AssetRef = { kind: "sediment", id: "file_1", conversationId: "c-1", messageId: "m-2" };
const START: RenderedDelta = { type: "start", conversationId: "c-1", messageId: "m-1" };
const FINISH: RenderedDelta = { type: "finish", reason: "stop" };

function imageReply(url: string | null, prompt: string | null = "a fox, revised"): RenderedDelta[] {
  return [START, { type: "image", url, ref: REF, prompt }, { type: "content", text: `![image](${url})` }, FINISH];
}

function streamOf(deltas: RenderedDelta[]): ReadableStream<RenderedDelta> {
  return new ReadableStream({
    start(controller) {
      for (const delta of deltas) controller.enqueue(delta);
      controller.close();
    },
  });
}

function replyOf(deltas: RenderedDelta[]): Reply {
  return { model: resolveModel("gpt-4o-image"), promptTokens: 21, historyDisabled: false, deltas: streamOf(deltas) };
}

function context(): ReplyContext {
  return { bearer: "token", teamAccountId: null, signal: new AbortController().signal, clientKey: "tok…en" };
}

function service(reply: (request: ReplyRequest, context: ReplyContext) => Promise<Reply>) {
  const downloads: string[] = [];
  const download = async (url: string): Promise<DownloadedImage> => {
    downloads.push(url);
    return { bytes: new TextEncoder().encode(`bytes of ${url}`), mimeType: "image/png" };
  };
  return { downloads, images: new ImagesService({ replies: { reply }, download, now: () => NOW }) };
}

async function errorOf(promise: Promise<unknown>): Promise<{ status: number; code: string | null; message: string } | null> {
  return promise.then(
    () => null,
    (error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
      return { status: error.status, code: error.code, message: error.message };
    },
  );
}

/** A reply() whose calls wait until the test settles them, one by one. */
function heldReplies() {
  const calls: Array<{ request: ReplyRequest; signal: AbortSignal; settle: (deltas: RenderedDelta[] | Error) => void }> = [];
  let changed = (): void => {};
  const reply = (request: ReplyRequest, ctx: ReplyContext) =>
    new Promise<Reply>((resolve, reject) => {
      calls.push({ request, signal: ctx.signal, settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(replyOf(outcome))) });
      changed();
    });
  const callCount = (count: number) =>
    new Promise<void>((resolve) => {
      changed = () => calls.length >= count && resolve();
      changed();
    });
  return { calls, reply, callCount };
}

describe("ImagesService.generate", () => {
  test("one image: one conversation with the image model and history kept, its bytes as base64, usage for gpt-image-1", async () => {
    const requests: ReplyRequest[] = [];
    const { images, downloads } = service(async (request) => (requests.push(request), replyOf(imageReply("https://files.example/1"))));
    const response = await images.generate({ prompt: "a fox" }, context());
    expect(response).toEqual({
      created: NOW / 1000,
      data: [{ b64_json: Buffer.from("bytes of https://files.example/1").toString("base64"), revised_prompt: "a fox, revised" }],
      usage: { input_tokens: 21, output_tokens: 0, total_tokens: 21, input_tokens_details: { text_tokens: 21, image_tokens: 0 } },
    });
    expect(requests).toEqual([
      { model: "gpt-4o-image", messages: [{ role: "user", content: "Create one image. Do not ask follow-up questions.\n\nDescription: a fox" }], historyDisabled: false },
    ]);
    expect(downloads).toEqual(["https://files.example/1"]);
  });

  test("response_format url: the download URL, nothing downloaded; DALL·E names report no usage; no prompt, no revised_prompt", async () => {
    const { images, downloads } = service(async () => replyOf(imageReply("https://files.example/1", null)));
    const response = await images.generate({ prompt: "a fox", model: "dall-e-3", response_format: "url" }, context());
    expect(response).toEqual({ created: NOW / 1000, data: [{ url: "https://files.example/1" }] });
    expect(downloads).toEqual([]);
  });

  test("n=3 keeps at most two conversations in flight and returns the images in order", async () => {
    const held = heldReplies();
    const { images } = service(held.reply);
    const pending = images.generate({ prompt: "a fox", n: 3, response_format: "url" }, context());
    await held.callCount(2);
    expect(held.calls).toHaveLength(2);
    held.calls[1]?.settle(imageReply("https://files.example/b"));
    await held.callCount(3);
    held.calls[0]?.settle(imageReply("https://files.example/a"));
    held.calls[2]?.settle(imageReply("https://files.example/c"));
    expect((await pending).data?.map((image) => image.url)).toEqual(["https://files.example/a", "https://files.example/b", "https://files.example/c"]);
  });

  test("the first failure fails the request, aborts the generation in flight and starts no other", async () => {
    const held = heldReplies();
    const { images } = service(held.reply);
    const pending = errorOf(images.generate({ prompt: "a fox", n: 4 }, context()));
    await held.callCount(2);
    held.calls[0]?.settle(new RateLimitError("capped", 30));
    expect(await pending).toEqual({ status: 429, code: "rate_limit_exceeded", message: "capped" });
    expect(held.calls[1]?.signal.aborted).toBe(true);
    expect(held.calls).toHaveLength(2);
  });

  test.each<[string, RenderedDelta[], { status: number; code: string; message: string }]>([
    [
      "a moderation refusal",
      [START, { type: "refusal", text: "I'm sorry, but I can't help with that request." }, { type: "finish", reason: "content_filter" }],
      { status: 400, code: "content_policy_violation", message: "ChatGPT did not generate an image. It said: I'm sorry, but I can't help with that request." },
    ],
    [
      "a text answer",
      [START, { type: "content", text: "I can't draw real people. " }, FINISH],
      { status: 400, code: "content_policy_violation", message: "ChatGPT did not generate an image. It said: I can't draw real people." },
    ],
    [
      "an image without a download URL",
      imageReply(null),
      { status: 502, code: "image_download_failed", message: "ChatGPT generated the image but gave no download URL for it. Try again in a moment." },
    ],
    [
      "a stream that failed after it began",
      [START, { type: "failed", message: "upstream stream ended early" }],
      { status: 502, code: "upstream_stream_failed", message: "The upstream failed while generating the image: upstream stream ended early. Try again in a moment." },
    ],
  ])("%s is an error, not an empty list", async (_name, deltas, expected) => {
    const { images } = service(async () => replyOf(deltas));
    expect(await errorOf(images.generate({ prompt: "x" }, context()))).toEqual(expected);
  });

  test("an invalid request is refused before any conversation", async () => {
    let calls = 0;
    const { images } = service(async () => (calls++, replyOf(imageReply("u"))));
    expect(await errorOf(images.generate({ prompt: "x", n: 9 }, context()))).toMatchObject({ status: 400 });
    expect(calls).toBe(0);
  });
});
