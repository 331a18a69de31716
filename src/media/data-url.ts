/**
 * @module Strict decoding of `data:<mime>;base64,<payload>` URLs and raw base64 (OpenAI `file_data`): anything that
 * is not canonical padded base64 is refused, and the decoded size is checked before a byte is decoded.
 */
import type { ByteBudget } from "./byte-budget.ts";
import { describeLimit, MediaError } from "./media-error.ts";

export interface DecodedData {
  bytes: Uint8Array<ArrayBuffer>;
  /** The declared type, lower case; empty when the URL declared none. */
  mimeType: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Clients that wrap base64 at 76 columns (MIME style) are common enough to accept: line breaks and spaces go. */
function stripWhitespace(text: string): string {
  return /[\s]/.test(text) ? text.replace(/[\t\n\f\r ]+/g, "") : text;
}

/** The decoded size of canonical base64, or null when `text` is not canonical padded base64. */
function decodedSize(text: string): number | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** `budget`, when given, is charged the decoded size before a byte is decoded. */
export function decodeBase64Strict(payload: string, maxBytes: number, budget?: ByteBudget): Uint8Array<ArrayBuffer> {
  const text = stripWhitespace(payload);
  const size = decodedSize(text);
  if (size === null) {
    const why = text.length % 4 !== 0 ? "its length is not a multiple of 4 (missing or extra padding)" : "it contains characters outside the base64 alphabet";
    throw new MediaError("not-base64", `the data is not valid base64: ${why}`);
  }
  if (size > maxBytes) throw new MediaError("too-large", `the file is ${size} bytes, larger than the limit of ${describeLimit(maxBytes)}`);
  budget?.charge(size);
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function isDataUrl(text: string): boolean {
  return /^data:/i.test(text);
}

export function decodeDataUrl(url: string, maxBytes: number, budget?: ByteBudget): DecodedData {
  const comma = url.indexOf(",");
  if (!isDataUrl(url) || comma < 0) throw new MediaError("bad-data-url", "the data: URL has no comma before its payload");
  const meta = url.slice("data:".length, comma).split(";").map((item) => item.trim());
  // percent-encoded (non-base64) data URLs would carry text, never an image or a binary file: refused outright
  if (meta.at(-1)?.toLowerCase() !== "base64") throw new MediaError("not-base64", "the data: URL is not base64 (expected data:<type>;base64,…)");
  const mimeType = meta.length > 1 ? (meta[0] ?? "").toLowerCase() : "";
  if (mimeType !== "" && !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mimeType)) {
    throw new MediaError("bad-data-url", `the data: URL declares an invalid media type ${JSON.stringify(mimeType.slice(0, 60))}`);
  }
  return { bytes: decodeBase64Strict(url.slice(comma + 1), maxBytes, budget), mimeType };
}
