/**
 * @module The rank tables as chat2api ships them (src/translate/bpe/ranks/*.ranks.gz): every token's bytes and
 * length, gzipped, written from gpt-tokenizer's rank files by write-rank-data.ts. Read at the first count, and again
 * after the idle trim let the tables go: ~10 ms of gunzip for o200k_base instead of ~60 ms parsing its 2.4 MB of
 * JavaScript, and 1.0 MB of the binary's pages touched instead of 2.4 (they stay resident: bench/RESULTS.md, ninth
 * session).
 *
 * The gzip header's comment names the table (`rankFileHead`): the compiled binary finds the file in its executable by
 * that head, to read it without keeping its pages (src/memory/embedded-file.ts). Layout before gzip, integers
 * little-endian: "C2RK", a version byte (1), the number of ranks (u32), the number of
 * hidden ranks (u32), the hidden ranks (u32 each), each rank's length in bytes (u8 each: none is over 128), then
 * every rank's bytes in rank order.
 */
import type { TokenBytes } from "./rank-file.ts";

const MAGIC = [0x43, 0x32, 0x52, 0x4b]; // "C2RK"
const VERSION = 1;
const HEADER = MAGIC.length + 1 + 4 + 4;
/** A gzip member's fixed header (RFC 1952): magic, deflate, flags, no time, best compression, Unix. */
const GZIP_HEADER = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03];
const GZIP_FCOMMENT = 0x10;

class RankDataError extends Error {
  constructor(file: string, what: string) {
    super(`${file}: ${what}; write it again with \`bun src/translate/bpe/write-rank-data.ts\``);
  }
}

/** The first bytes of encoding `name`'s table file: a gzip header with the comment `chat2api <name> ranks`. */
export function rankFileHead(name: string): Uint8Array<ArrayBuffer> {
  const comment = new TextEncoder().encode(`chat2api ${name} ranks`);
  const head = new Uint8Array(GZIP_HEADER.length + comment.length + 1);
  head.set(GZIP_HEADER);
  head[3] = GZIP_FCOMMENT;
  head.set(comment, GZIP_HEADER.length);
  return head;
}

/** The gzipped table of `ranks` (the generator's half), its head naming encoding `name`. */
export function encodeRankData({ bytes, offsets, hidden }: TokenBytes, name: string): Uint8Array<ArrayBuffer> {
  const count = offsets.length - 1;
  const out = new Uint8Array(HEADER + 4 * hidden.length + count + bytes.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[MAGIC.length] = VERSION;
  view.setUint32(MAGIC.length + 1, count, true);
  view.setUint32(MAGIC.length + 5, hidden.length, true);
  hidden.forEach((rank, i) => view.setUint32(HEADER + 4 * i, rank, true));
  const lengthsAt = HEADER + 4 * hidden.length;
  for (let rank = 0; rank < count; rank++) {
    const length = (offsets[rank + 1] as number) - (offsets[rank] as number);
    if (length < 1 || length > 255) throw new Error(`rank ${rank} is ${length} bytes long: the layout holds 1–255`);
    out[lengthsAt + rank] = length;
  }
  out.set(bytes, lengthsAt + count);
  const gzipped = Bun.gzipSync(out, { level: 9 });
  const head = rankFileHead(name);
  const file = new Uint8Array(head.length + gzipped.length - GZIP_HEADER.length);
  file.set(head);
  // the deflate stream and its trailer after the header: the trailer's CRC covers the data, not the header
  file.set(gzipped.subarray(GZIP_HEADER.length), head.length);
  return file;
}

/** Every rank's bytes from a table `encodeRankData` wrote; `expected` ranks, else it fails rather than shift ranks. */
export function decodeRankData(gzipped: Uint8Array<ArrayBuffer>, file: string, expected: number): TokenBytes {
  let data: Uint8Array;
  try {
    data = Bun.gunzipSync(gzipped);
  } catch {
    throw new RankDataError(file, "not gzip data");
  }
  if (data.length < HEADER || MAGIC.some((byte, i) => data[i] !== byte) || data[MAGIC.length] !== VERSION) {
    throw new RankDataError(file, `not a version ${VERSION} rank table`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(MAGIC.length + 1, true);
  const hiddenCount = view.getUint32(MAGIC.length + 5, true);
  if (count !== expected) throw new RankDataError(file, `${count} ranks rather than ${expected}`);
  const lengthsAt = HEADER + 4 * hiddenCount;
  const bytesAt = lengthsAt + count;
  if (bytesAt > data.length) throw new RankDataError(file, "cut short");
  const hidden = Array.from({ length: hiddenCount }, (_, i) => view.getUint32(HEADER + 4 * i, true));
  const offsets = new Uint32Array(count + 1);
  for (let rank = 0; rank < count; rank++) offsets[rank + 1] = (offsets[rank] as number) + (data[lengthsAt + rank] as number);
  if (bytesAt + (offsets[count] as number) !== data.length) throw new RankDataError(file, "lengths that do not add up to its bytes");
  // a copy, so the lengths and the header are not kept alive with the bytes
  return { bytes: data.slice(bytesAt), offsets, hidden };
}
