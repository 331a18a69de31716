/** Every attachment part becomes bytes + description, or a 400 naming the part, before any upload is attempted. */
import { describe, expect, test } from "bun:test";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ApiError } from "../errors.ts";
import { makeTestPng, SAMPLE_PDF } from "./__fixtures__/sample-files.ts";
import { ByteBudget } from "./byte-budget.ts";
import type { FetchedUrl } from "./fetch-user-url.ts";
import { MediaError } from "./media-error.ts";
import { resolveAttachmentParts, type ResolvePartsOptions } from "./resolve-parts.ts";

const png = makeTestPng(30, 20);
const pngDataUrl = `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
const pdfBase64 = Buffer.from(SAMPLE_PDF).toString("base64");

function user(content: unknown): ChatCompletionMessageParam {
  return { role: "user", content } as ChatCompletionMessageParam;
}

function options(fetchUrl: ResolvePartsOptions["fetchUrl"] = async () => Promise.reject(new Error("no fetch expected"))): ResolvePartsOptions {
  let n = 0;
  return { fetchUrl, maxBytes: 10_000, newId: () => `id-${++n}` };
}

async function apiErrorOf(promise: Promise<unknown>): Promise<{ status: number; param: string | null; message: string }> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { status: error.status, param: error.param, message: error.message };
}

test("a data: image, a URL image and a base64 file are resolved with their keys and descriptions", async () => {
  const fetched: string[] = [];
  const fetchUrl = async (url: string): Promise<FetchedUrl> => {
    fetched.push(url);
    return { bytes: png, mimeType: "application/octet-stream", finalUrl: "https://cdn.test/pics/cat%20one.png" };
  };
  const messages = [
    { role: "system", content: "be brief" } as ChatCompletionMessageParam,
    user([
      { type: "text", text: "compare" },
      { type: "image_url", image_url: { url: pngDataUrl, detail: "low" } },
      { type: "image_url", image_url: { url: "https://cdn.test/pics/cat%20one.png" } },
    ]),
    user([{ type: "file", file: { file_data: pdfBase64, filename: "report.pdf" } }]),
  ];
  expect(await resolveAttachmentParts(messages, options(fetchUrl))).toEqual([
    {
      key: "1:1",
      param: "messages[1].content[1]",
      bytes: png,
      file: { name: "id-1.png", mimeType: "image/png", useCase: "multimodal", sizeBytes: png.byteLength, width: 30, height: 20 },
    },
    {
      key: "1:2",
      param: "messages[1].content[2]",
      bytes: png,
      file: { name: "cat one.png", mimeType: "image/png", useCase: "multimodal", sizeBytes: png.byteLength, width: 30, height: 20 },
    },
    {
      key: "2:0",
      param: "messages[2].content[0]",
      bytes: SAMPLE_PDF,
      file: { name: "report.pdf", mimeType: "application/pdf", useCase: "my_files", sizeBytes: SAMPLE_PDF.byteLength },
    },
  ]);
  expect(fetched).toEqual(["https://cdn.test/pics/cat%20one.png"]);
});

test("messages without attachments resolve to nothing and fetch nothing", async () => {
  expect(await resolveAttachmentParts([user("hi"), user([{ type: "text", text: "x" }])], options())).toEqual([]);
});

const tooBig = Buffer.alloc(10_001).toString("base64");

test.each<[string, unknown, string]>([
  [
    "an unknown part type",
    { type: "video_url", video_url: { url: "https://x.test/v.mp4" } },
    'Unsupported content part type "video_url" (messages[0].content[1]): expected text, image_url or file.',
  ],
  [
    "input_audio",
    { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
    "Audio input is not supported (messages[0].content[1]): ChatGPT's web backend takes no audio parts.",
  ],
  [
    "a data: URL that is not base64",
    { type: "image_url", image_url: { url: "data:image/png,%89PNG" } },
    "The image_url part messages[0].content[1] cannot be used: the data: URL is not base64 (expected data:<type>;base64,…).",
  ],
  [
    "base64 with invalid characters",
    { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR*0KGgo=" } },
    "The image_url part messages[0].content[1] cannot be used: the data is not valid base64: it contains characters outside the base64 alphabet.",
  ],
  [
    "an image over the size limit",
    { type: "image_url", image_url: { url: `data:image/png;base64,${tooBig}` } },
    "The image_url part messages[0].content[1] cannot be used: the file is 10001 bytes, larger than the limit of 10000 bytes.",
  ],
  [
    "a file over the size limit",
    { type: "file", file: { file_data: tooBig, filename: "a.bin" } },
    "The file part messages[0].content[1] cannot be used: the file is 10001 bytes, larger than the limit of 10000 bytes.",
  ],
  [
    "a file_id instead of file_data",
    { type: "file", file: { file_id: "file-123" } },
    "The file part messages[0].content[1] cannot be used: file_id is not supported here, send the content as file.file_data.",
  ],
  [
    "an image_url without url",
    { type: "image_url", image_url: {} },
    "The image_url part messages[0].content[1] cannot be used: image_url.url must be a non-empty string.",
  ],
  [
    "an ftp URL",
    { type: "image_url", image_url: { url: "ftp://x.test/a.png" } },
    "The image_url part messages[0].content[1] cannot be used: image_url.url must be an http(s) URL or a data: URL.",
  ],
  [
    "a data: URL declared PNG that holds text",
    { type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from("hello").toString("base64")}` } },
    "The image_url part messages[0].content[1] cannot be used: the content was declared as image/png but is not a PNG image.",
  ],
  [
    "an empty file",
    { type: "file", file: { file_data: "", filename: "a.txt" } },
    "The file part messages[0].content[1] cannot be used: file.file_data must be a non-empty base64 string.",
  ],
  [
    "an empty data: URL",
    { type: "image_url", image_url: { url: "data:image/png;base64," } },
    "The image_url part messages[0].content[1] cannot be used: the content is empty.",
  ],
  [
    "a BMP image",
    { type: "image_url", image_url: { url: `data:image/bmp;base64,${Buffer.from("BM\u0000\u0000").toString("base64")}` } },
    "The image_url part messages[0].content[1] cannot be used: image/bmp images are not accepted by ChatGPT (send PNG, JPEG, GIF or WebP).",
  ],
])("%s is a 400 naming the part", async (_label, part, message) => {
  const messages = [user([{ type: "text", text: "look" }, part])];
  expect(await apiErrorOf(resolveAttachmentParts(messages, options()))).toEqual({ status: 400, param: "messages[0].content[1]", message });
});

test("a URL the fetcher refuses is a 400 with the fetcher's reason", async () => {
  const fetchUrl = async (): Promise<FetchedUrl> => {
    throw new MediaError("blocked-address", "the host 127.0.0.1 is a loopback address, which user URLs may not reach (ALLOW_PRIVATE_URLS is off)");
  };
  const messages = [user([{ type: "image_url", image_url: { url: "http://127.0.0.1/a.png" } }])];
  expect(await apiErrorOf(resolveAttachmentParts(messages, options(fetchUrl)))).toEqual({
    status: 400,
    param: "messages[0].content[0]",
    message:
      "The image_url part messages[0].content[0] cannot be used: the host 127.0.0.1 is a loopback address, which user URLs may not reach (ALLOW_PRIVATE_URLS is off).",
  });
});

test("a bad part anywhere fails the request before any URL is fetched", async () => {
  const fetched: string[] = [];
  const fetchUrl = async (url: string): Promise<FetchedUrl> => {
    fetched.push(url);
    return { bytes: png, mimeType: "image/png", finalUrl: url };
  };
  const messages = [user([{ type: "image_url", image_url: { url: "https://cdn.test/a.png" } }]), user([{ type: "input_audio" }])];
  expect((await apiErrorOf(resolveAttachmentParts(messages, options(fetchUrl)))).param).toBe("messages[1].content[0]");
  expect(fetched).toEqual([]);
});

test("the first failing fetch aborts the fetches still running", async () => {
  const aborted: string[] = [];
  const fetchUrl = (url: string, signal: AbortSignal): Promise<FetchedUrl> => {
    if (url.endsWith("/bad")) return Promise.reject(new MediaError("http-status", "fetching the URL failed with HTTP 404", { status: 404 }));
    return new Promise((_resolve, reject) => {
      signal.addEventListener("abort", () => {
        aborted.push(url);
        reject(signal.reason);
      });
    });
  };
  const messages = [user([{ type: "image_url", image_url: { url: "https://cdn.test/slow" } }, { type: "image_url", image_url: { url: "https://cdn.test/bad" } }])];
  expect(await apiErrorOf(resolveAttachmentParts(messages, options(fetchUrl)))).toEqual({
    status: 400,
    param: "messages[0].content[1]",
    message: "The image_url part messages[0].content[1] cannot be used: fetching the URL failed with HTTP 404.",
  });
  expect(aborted).toEqual(["https://cdn.test/slow"]);
});

describe("per-request caps (MAX_ATTACHMENTS, MAX_ATTACHMENT_URLS, MAX_MEDIA_SIZE)", () => {
  const recordingFetch = (fetched: string[]) => async (url: string): Promise<FetchedUrl> => {
    fetched.push(url);
    return { bytes: png, mimeType: "image/png", finalUrl: url };
  };
  const urlPart = (n: number) => ({ type: "image_url", image_url: { url: `https://cdn.test/${n}.png` } });
  const inlinePart = { type: "image_url", image_url: { url: pngDataUrl } };

  test("one part over MAX_ATTACHMENTS is a 400 naming it, and nothing is fetched", async () => {
    const fetched: string[] = [];
    const messages = [user([{ type: "text", text: "many" }, ...Array.from({ length: 200 }, (_, n) => urlPart(n))])];
    expect(await apiErrorOf(resolveAttachmentParts(messages, { ...options(recordingFetch(fetched)), maxParts: 20 }))).toEqual({
      status: 400,
      param: "messages[0].content[21]",
      message: "Too many images and files: messages[0].content[21] is number 21, and one request may carry at most 20 (MAX_ATTACHMENTS).",
    });
    expect(fetched).toEqual([]);
  });

  test("the parts are counted across messages, files and inline images included", async () => {
    const messages = [user([inlinePart, { type: "file", file: { file_data: pdfBase64, filename: "a.pdf" } }]), user([inlinePart])];
    expect((await apiErrorOf(resolveAttachmentParts(messages, { ...options(), maxParts: 2 }))).param).toBe("messages[1].content[0]");
    expect(await resolveAttachmentParts(messages, { ...options(), maxParts: 3 })).toHaveLength(3);
  });

  test("MAX_ATTACHMENT_URLS counts only URLs: inline images beside them do not use it up", async () => {
    const fetched: string[] = [];
    const messages = [user([inlinePart, urlPart(1), inlinePart, urlPart(2), urlPart(3)])];
    expect(await apiErrorOf(resolveAttachmentParts(messages, { ...options(recordingFetch(fetched)), maxParts: 20, maxUrls: 2 }))).toEqual({
      status: 400,
      param: "messages[0].content[4]",
      message: "Too many image URLs: messages[0].content[4] is URL number 3, and one request may have at most 2 fetched (MAX_ATTACHMENT_URLS).",
    });
    expect(fetched).toEqual([]);
    const withinCap = [user([inlinePart, urlPart(1), inlinePart, urlPart(2)])];
    expect(await resolveAttachmentParts(withinCap, { ...options(recordingFetch(fetched)), maxUrls: 2 })).toHaveLength(4);
  });

  test("MAX_MEDIA_SIZE: the part whose bytes cross the request's total is named, before it is decoded", async () => {
    const messages = [user([inlinePart, inlinePart, inlinePart])];
    const limit = png.byteLength * 2;
    expect(await apiErrorOf(resolveAttachmentParts(messages, { ...options(), maxTotalBytes: limit, concurrency: 1 }))).toEqual({
      status: 400,
      param: "messages[0].content[2]",
      message: `The image_url part messages[0].content[2] cannot be used: the request's images and files together are larger than the limit of ${limit} bytes (MAX_MEDIA_SIZE).`,
    });
    expect(await resolveAttachmentParts(messages, { ...options(), maxTotalBytes: png.byteLength * 3 })).toHaveLength(3);
  });

  test("fetches are handed the one budget of the request, shared by every part", async () => {
    const budgets = new Set<unknown>();
    const fetchUrl = async (url: string, _signal: AbortSignal, budget?: ByteBudget): Promise<FetchedUrl> => {
      budgets.add(budget);
      budget?.charge(png.byteLength);
      return { bytes: png, mimeType: "image/png", finalUrl: url };
    };
    const messages = [user([urlPart(1), urlPart(2), urlPart(3)])];
    const error = await apiErrorOf(resolveAttachmentParts(messages, { ...options(fetchUrl), maxTotalBytes: png.byteLength * 2 + 1, concurrency: 1 }));
    expect([error.param, budgets.size, [...budgets][0] instanceof ByteBudget]).toEqual(["messages[0].content[2]", 1, true]);
  });
});
