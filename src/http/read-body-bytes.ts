/**
 * @module Reads a body stream into memory with a byte counter: the size limit holds on the bytes actually received,
 * whatever the framing (Content-Length or chunked), and the stream is cancelled as soon as it is passed. Any capped
 * read (a request body, a fetched file) can use it with its own error.
 */
import { PayloadTooLargeError } from "../errors.ts";

export interface ReadBodyBytesOptions {
  /** The error thrown once the body passes the limit (default: the OpenAI 413). */
  tooLarge?: () => Error;
  /** Told the size of each chunk as it is taken, e.g. to charge a budget shared by several reads; may throw to stop. */
  onChunk?: (bytes: number) => void;
}

export async function readBodyBytes(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  { tooLarge = () => new PayloadTooLargeError(maxBytes), onChunk }: ReadBodyBytesOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge();
      onChunk?.(value.byteLength);
      chunks.push(value);
    }
  } catch (error) {
    // the rest is never read: the sender learns of the limit instead of uploading gigabytes
    await reader.cancel().catch(() => {});
    throw error;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
