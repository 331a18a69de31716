import { expect, test } from "bun:test";
import { decodeBase64Strict, decodeDataUrl } from "./data-url.ts";
import { MediaError } from "./media-error.ts";

function reasonOf(run: () => unknown): { reason: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof MediaError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error("expected a MediaError");
}

const hello = Buffer.from("hello world");

test.each([
  ["data:text/plain;base64,aGVsbG8gd29ybGQ=", "text/plain"],
  ["DATA:Text/Plain;charset=utf-8;base64,aGVsbG8gd29ybGQ=", "text/plain"],
  ["data:;base64,aGVsbG8gd29ybGQ=", ""],
  ["data:base64,aGVsbG8gd29ybGQ=", ""],
  ["data:text/plain;base64,aGVsbG8g\r\nd29ybGQ=", "text/plain"],
])("%s decodes to its bytes and declared type", (url, mimeType) => {
  expect(decodeDataUrl(url, 100)).toEqual({ bytes: new Uint8Array(hello), mimeType });
});

test.each([
  ["data:image/png,hello%20world", "not-base64", "the data: URL is not base64 (expected data:<type>;base64,…)"],
  ["data:image/png;base64", "bad-data-url", "the data: URL has no comma before its payload"],
  ["data:image/png;base64,aGVsbG8gd29ybGQ", "not-base64", "the data is not valid base64: its length is not a multiple of 4 (missing or extra padding)"],
  ["data:image/png;base64,aGVsbG8gd29ybG$=", "not-base64", "the data is not valid base64: it contains characters outside the base64 alphabet"],
  ["data:image/png;base64,aGVsbG8_d29ybGQ=", "not-base64", "the data is not valid base64: it contains characters outside the base64 alphabet"],
  ["data:image/png;base64,aGVs=G8gd29ybGQ=", "not-base64", "the data is not valid base64: it contains characters outside the base64 alphabet"],
  ["data:image/png;base64,aGVsbG8gd29ybGQ===", "not-base64", "the data is not valid base64: its length is not a multiple of 4 (missing or extra padding)"],
  ["data:im age/png;base64,aGVsbG8gd29ybGQ=", "bad-data-url", 'the data: URL declares an invalid media type "im age/png"'],
])("%s is refused", (url, reason, message) => {
  expect(reasonOf(() => decodeDataUrl(url, 100))).toEqual({ reason, message });
});

test("the size cap is checked from the encoded length, before decoding", () => {
  expect(reasonOf(() => decodeDataUrl("data:text/plain;base64,aGVsbG8gd29ybGQ=", 10))).toEqual({
    reason: "too-large",
    message: "the file is 11 bytes, larger than the limit of 10 bytes",
  });
  expect(decodeDataUrl("data:text/plain;base64,aGVsbG8gd29ybGQ=", 11).bytes.byteLength).toBe(11);
});

test("a megabyte limit is stated in MB and bytes", () => {
  const payload = Buffer.alloc(3 * 1024 * 1024).toString("base64");
  expect(reasonOf(() => decodeBase64Strict(payload, 2 * 1024 * 1024))).toEqual({
    reason: "too-large",
    message: "the file is 3145728 bytes, larger than the limit of 2 MB (2097152 bytes)",
  });
});

test("raw base64 (OpenAI file_data) decodes with the same rules", () => {
  expect(decodeBase64Strict("aGVsbG8gd29ybGQ=", 100)).toEqual(new Uint8Array(hello));
  expect(reasonOf(() => decodeBase64Strict("not base64!", 100)).reason).toBe("not-base64");
});
