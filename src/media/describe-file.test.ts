import { expect, test } from "bun:test";
import { makeTestJpegHeader, makeTestPng, SAMPLE_GIF, SAMPLE_PDF, SAMPLE_ZIP, text } from "./__fixtures__/sample-files.ts";
import { describeFile, detectMime, type UploadUseCase, useCaseFor } from "./describe-file.ts";
import { MediaError } from "./media-error.ts";
import { extensionFor, mimeForName } from "./mime-table.ts";
import { sniffMime } from "./sniff-mime.ts";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const webp = new Uint8Array([...text("RIFF"), 0, 0, 0, 0, ...text("WEBPVP8 ")]);

test.each<[string, Uint8Array, string | null]>([
  ["png", makeTestPng(1, 1), "image/png"],
  ["jpeg", makeTestJpegHeader(2, 2), "image/jpeg"],
  ["gif", SAMPLE_GIF, "image/gif"],
  ["webp", webp, "image/webp"],
  ["RIFF that is not webp (wav)", new Uint8Array([...text("RIFF"), 0, 0, 0, 0, ...text("WAVE")]), null],
  ["pdf", SAMPLE_PDF, "application/pdf"],
  ["zip", SAMPLE_ZIP, "application/zip"],
  ["plain text", text("hello"), null],
  ["empty", new Uint8Array(0), null],
])("magic bytes of %s → %p", (_name, bytes, expected) => {
  expect(sniffMime(bytes)).toBe(expected);
});

test.each<[string, string | null, string | null, Uint8Array, string]>([
  ["the bytes win over a wrong declared image type", "image/png", null, makeTestJpegHeader(2, 2), "image/jpeg"],
  ["the bytes win over octet-stream", "application/octet-stream", null, SAMPLE_PDF, "application/pdf"],
  ["a zip declared as docx stays docx", DOCX, null, SAMPLE_ZIP, DOCX],
  ["a zip named .docx is docx", null, "report.docx", SAMPLE_ZIP, DOCX],
  ["a zip declared as something else stays zip", "text/plain", null, SAMPLE_ZIP, "application/zip"],
  ["text keeps its declared type (parameters dropped)", "text/markdown; charset=utf-8", null, text("# hi"), "text/markdown"],
  ["undeclared text takes its type from the file name", null, "main.py", text("print(1)"), "text/x-script.python"],
  ["nothing known is octet-stream", null, null, text("?"), "application/octet-stream"],
])("%s", (_label, declared, filename, bytes, expected) => {
  expect(detectMime(bytes, declared, filename)).toBe(expected);
});

test("content declared as a PNG that is no image at all is refused", () => {
  const run = (): string => detectMime(text("<html>"), "image/png", null);
  expect(run).toThrow(MediaError);
  expect(run).toThrow("the content was declared as image/png but is not a PNG image");
});

test.each<[string, UploadUseCase]>([
  ["image/png", "multimodal"],
  ["image/jpeg", "multimodal"],
  ["image/gif", "multimodal"],
  ["image/webp", "multimodal"],
  ["application/pdf", "my_files"],
  ["text/plain", "my_files"],
  ["text/x-script.python", "my_files"],
  [DOCX, "my_files"],
  ["application/zip", "ace_upload"],
  ["image/svg+xml", "ace_upload"],
  ["text/csv", "ace_upload"],
  ["application/octet-stream", "ace_upload"],
])("use case of %s is %s", (mimeType, useCase) => {
  expect(useCaseFor(mimeType)).toBe(useCase);
});

test.each([
  ["image/png", ".png"],
  ["image/jpeg", ".jpg"],
  ["application/pdf", ".pdf"],
  ["text/x-script.python", ".py"],
  ["application/x-unknown", ""],
])("extension of %s is %p", (mimeType, extension) => {
  expect(extensionFor(mimeType)).toBe(extension);
});

test.each([
  ["photo.JPEG", "image/jpeg"],
  ["a.b.pdf", "application/pdf"],
  ["README", null],
])("type of file name %s is %p", (name, mimeType) => {
  expect(mimeForName(name)).toBe(mimeType);
});

test("a PNG is described with its real width and height and a generated name", () => {
  const png = makeTestPng(37, 21);
  expect(describeFile({ bytes: png, declaredMime: "image/png", newId: () => "id-1" })).toEqual({
    name: "id-1.png",
    mimeType: "image/png",
    useCase: "multimodal",
    sizeBytes: png.byteLength,
    width: 37,
    height: 21,
  });
});

test("a PDF keeps the client's file name, without any path", () => {
  expect(describeFile({ bytes: SAMPLE_PDF, filename: "../../etc/Quarterly report.pdf", newId: () => "unused" })).toEqual({
    name: "Quarterly report.pdf",
    mimeType: "application/pdf",
    useCase: "my_files",
    sizeBytes: SAMPLE_PDF.byteLength,
  });
});

test("a truncated PNG whose size cannot be read is refused as a bad image", () => {
  const run = (): unknown => describeFile({ bytes: makeTestPng(3, 3).slice(0, 12) });
  expect(run).toThrow(MediaError);
  expect(run).toThrow(/the image\/png image/);
});
