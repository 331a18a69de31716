/** Resolved parts uploaded to one attempt's account (the emulator), keyed for toUpstreamMessages. */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { startEmulator } from "../../test/emulator/index.ts";
import { ApiError } from "../errors.ts";
import { toUpstreamMessages } from "../translate/to-upstream-messages.ts";
import { UpstreamError } from "../engines/web/errors.ts";
import { createIdentity } from "../engines/web/identity.ts";
import { UpstreamSession } from "../engines/web/session.ts";
import { makeTestPng, SAMPLE_PDF } from "./__fixtures__/sample-files.ts";
import { localAttachmentInfo, prepareAttachments } from "./prepare-attachments.ts";
import type { LocalAttachment } from "./resolve-parts.ts";

const emu = await startEmulator();
const account = emu.addAccount();
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const identity = createIdentity({ accessToken: account.accessToken, teamAccountId: null }, { userAgents: [], proxyUrls: [] });
const session = new UpstreamSession({ host: emu.url, identity, language: "en-US", authKey: null, fetch: (input, init) => fetch(input, init) });
const quick = { uploadOptions: { pollIntervalMs: 0, retryDelayMs: 0 } };

const png = makeTestPng(64, 48);
const parts: LocalAttachment[] = [
  {
    key: "0:1",
    param: "messages[0].content[1]",
    bytes: png,
    file: { name: "p.png", mimeType: "image/png", useCase: "multimodal", sizeBytes: png.byteLength, width: 64, height: 48 },
  },
  {
    key: "0:2",
    param: "messages[0].content[2]",
    bytes: SAMPLE_PDF,
    file: { name: "r.pdf", mimeType: "application/pdf", useCase: "my_files", sizeBytes: SAMPLE_PDF.byteLength },
  },
];

test("each part is uploaded and the map feeds toUpstreamMessages pointers and attachments", async () => {
  const attachments = await prepareAttachments(parts, session, quick);
  const [imageId, pdfId] = [...attachments.values()].map((attachment) => attachment.fileId) as [string, string];
  expect([...attachments.keys()]).toEqual(["0:1", "0:2"]);
  const [message] = toUpstreamMessages(
    [
      {
        role: "user",
        content: [
          { type: "text", text: "read both" },
          { type: "image_url", image_url: { url: "data:…" } },
          { type: "file", file: { file_data: "…", filename: "r.pdf" } },
        ],
      },
    ],
    { newId: () => "m-1", attachments },
  );
  expect(message).toEqual({
    id: "m-1",
    author: { role: "user" },
    content: {
      content_type: "multimodal_text",
      parts: ["read both", { content_type: "image_asset_pointer", asset_pointer: `file-service://${imageId}`, size_bytes: png.byteLength, width: 64, height: 48 }],
    },
    metadata: {
      attachments: [
        { id: imageId, size: png.byteLength, name: "p.png", mime_type: "image/png", width: 64, height: 48 },
        { id: pdfId, size: SAMPLE_PDF.byteLength, name: "r.pdf", mime_type: "application/pdf" },
      ],
    },
  });
});

test("an upload the upstream refuses as bad (HTTP 413) is a 400 naming the part", async () => {
  emu.inject({ endpoint: "files", kind: { type: "status", status: 413, detail: "File is too large" } });
  const error = await prepareAttachments(parts.slice(0, 1), session, quick).then(() => null, (caught: unknown) => caught);
  expect(error instanceof ApiError ? { status: error.status, param: error.param, message: error.message } : error).toEqual({
    status: 400,
    param: "messages[0].content[1]",
    message: "The part messages[0].content[1] could not be uploaded to ChatGPT: ChatGPT rejected the file upload (create) (HTTP 413): File is too large.",
  });
});

test("an upstream outage stays an UpstreamError, so the attempt loop can fail over", async () => {
  emu.inject({ endpoint: "files", kind: { type: "status", status: 502 } });
  const error = await prepareAttachments(parts.slice(0, 1), session, quick).then(() => null, (caught: unknown) => caught);
  expect(error instanceof UpstreamError ? { kind: error.kind, status: error.status } : error).toEqual({ kind: "server", status: 502 });
});

test("local attachment info carries what token counting needs, and no file id", () => {
  expect(localAttachmentInfo(parts)).toEqual(
    new Map([
      ["0:1", { fileId: "", name: "p.png", mimeType: "image/png", sizeBytes: png.byteLength, width: 64, height: 48 }],
      ["0:2", { fileId: "", name: "r.pdf", mimeType: "application/pdf", sizeBytes: SAMPLE_PDF.byteLength }],
    ]),
  );
});
