/** The configured pipeline: UPLOAD_BY_URL expansion, the private-address guard and the size cap from the config. */
import { afterAll, expect, test } from "bun:test";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ApiError } from "../errors.ts";
import { makeTestPng } from "./__fixtures__/sample-files.ts";
import { type MediaConfig, resolveRequestMedia } from "./resolve-request-media.ts";

const png = makeTestPng(10, 10);
const requested: string[] = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request) {
    requested.push(new URL(request.url).pathname);
    return new Response(png, { headers: { "content-type": "image/png" } });
  },
});
afterAll(() => server.stop(true));
const imageUrl = `http://127.0.0.1:${server.port}/cat.png`;

const config: MediaConfig = {
  exportProxyUrl: null,
  allowPrivateUrls: true,
  maxFileBytes: 1_000_000,
  uploadByUrl: true,
  maxAttachments: 20,
  maxAttachmentUrls: 10,
  maxMediaBytes: 4_000_000,
};

test("with UPLOAD_BY_URL a leading URL is expanded, fetched and keyed on the expanded message", async () => {
  const media = await resolveRequestMedia([{ role: "user", content: `${imageUrl} what is it?` }], config);
  expect(media.messages).toEqual([
    { role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url: imageUrl } }] },
  ]);
  expect(media.parts.map((part) => [part.key, part.file.name, part.file.width, part.file.height])).toEqual([["0:1", "cat.png", 10, 10]]);
});

test("without UPLOAD_BY_URL the same text stays text and nothing is fetched", async () => {
  requested.length = 0;
  const messages: ChatCompletionMessageParam[] = [{ role: "user", content: `${imageUrl} what is it?` }];
  expect(await resolveRequestMedia(messages, { ...config, uploadByUrl: false })).toEqual({ messages, parts: [] });
  expect(requested).toEqual([]);
});

test("with ALLOW_PRIVATE_URLS off a loopback image is a 400 and the server sees no request", async () => {
  requested.length = 0;
  const messages = [{ role: "user", content: [{ type: "image_url", image_url: { url: imageUrl } }] }] as ChatCompletionMessageParam[];
  const error = await resolveRequestMedia(messages, { ...config, allowPrivateUrls: false }).then(() => null, (caught: unknown) => caught);
  expect(error instanceof ApiError ? [error.status, error.param] : error).toEqual([400, "messages[0].content[0]"]);
  expect(requested).toEqual([]);
});

test("MAX_FILE_SIZE caps fetched files", async () => {
  const messages = [{ role: "user", content: [{ type: "image_url", image_url: { url: imageUrl } }] }] as ChatCompletionMessageParam[];
  const error = await resolveRequestMedia(messages, { ...config, maxFileBytes: 10 }).then(() => null, (caught: unknown) => caught);
  expect(error instanceof ApiError ? error.message : error).toBe(
    `The image_url part messages[0].content[0] cannot be used: the file is larger than the limit of 10 bytes (the server announced ${png.byteLength} bytes).`,
  );
});
