/**
 * @module Reads a body stream into memory with a byte counter: the size limit holds on the bytes actually received,
 * whatever the framing (Content-Length or chunked), and the stream is cancelled as soon as it is passed. Any capped
 * read (a request body, a fetched file) can use it with its own error.
 */
import { PayloadTooLargeError } from "../errors.ts";

export async function readBodyBytes(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error = () => new PayloadTooLargeError(maxBytes),
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // the rest is never read: the sender learns of the limit instead of uploading gigabytes
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
