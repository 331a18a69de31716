/**
 * @module Reads gpt-tokenizer's rank files (esm/bpeRanks/*.js) as data, without running them: importing one keeps
 * its 200,000 strings and the module's source alive for good (~50 MiB for o200k_base). write-rank-data.ts writes the
 * tables chat2api ships (ranks/) from what it reads, and rank-data.test.ts checks them against it. The file is a JS array
 * literal per chunk (`const c0 = [ … ]; const c1 = [ … ]; const bpe = c0.concat(c1)`), the index of an entry
 * being its rank. An entry is a string literal (the token's text) or an array of byte values (a token that is not
 * UTF-8 text, or begins with a byte order mark). Anything else in that layout is refused loudly: it is gpt-tokenizer's implementation detail, so
 * the package is pinned and a change must stop the load rather than shift ranks.
 */
import { isUtf8 } from "node:buffer";

/** Every token's bytes back to back: token `rank` is `bytes[offsets[rank]] … bytes[offsets[rank + 1] - 1]`. */
export interface TokenBytes {
  bytes: Uint8Array;
  offsets: Uint32Array;
  /**
   * Ranks written as byte lists although their bytes are UTF-8 text (those beginning with a byte order mark):
   * gpt-tokenizer looks UTF-8 up among its strings only, so it never encodes to them.
   */
  hidden: number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

const SINGLE_ESCAPES: Record<string, number> = { n: 0x0a, t: 0x09, r: 0x0d, b: 0x08, f: 0x0c, v: 0x0b, '"': 0x22, "'": 0x27, "\\": 0x5c };

class RankFileError extends Error {
  constructor(file: string, at: number, what: string) {
    super(`${file}: ${what} at byte ${at}; gpt-tokenizer's rank file layout changed (the package is pinned to 4.0.0)`);
  }
}

/**
 * Writes the entries of the array literals after each other into the file's own buffer, so that no second buffer
 * of the file's size is needed: no escape or byte list is shorter than what it stands for, so the write position
 * never passes the read position. Runs of raw text are moved with `copyWithin`.
 */
class EntryWriter {
  count = 0;
  readonly hidden: number[] = [];
  /** Bytes written: the entries so far are `source[0, length)`. */
  length = 0;
  readonly offsets: Uint32Array;
  /** Where the next backslash and carriage return are, at or after the read position (or the end). */
  private readonly ahead = new Map<number, number>();

  constructor(
    private readonly source: Uint8Array,
    private readonly file: string,
    expected: number,
  ) {
    this.offsets = new Uint32Array(expected + 1);
  }

  fail(at: number, what: string): never {
    throw new RankFileError(this.file, at, what);
  }

  /** Reads the array's entries up to its `]`; returns the index just past it. */
  array(at: number): number {
    const { source } = this;
    let i = this.skipSpace(at);
    while (source[i] !== CLOSE) {
      const start = this.length;
      if (source[i] === QUOTE) {
        i = this.string(i + 1);
      } else if (source[i] === OPEN) {
        i = this.byteList(i + 1);
        if (isUtf8(this.source.subarray(start, this.length))) this.hidden.push(this.count);
      } else {
        this.fail(i, "an entry that is neither a string nor a byte list (or a hole)");
      }
      if (this.length === start) this.fail(i, "an empty entry");
      if (this.count + 1 >= this.offsets.length) this.fail(i, `more than ${this.offsets.length - 1} entries`);
      this.offsets[++this.count] = this.length;
      i = this.skipSpace(i);
      if (source[i] === COMMA) i = this.skipSpace(i + 1);
      else if (source[i] !== CLOSE) this.fail(i, "no comma after an entry");
    }
    return i + 1;
  }

  private skipSpace(at: number): number {
    let i = at;
    for (let byte = this.source[i]; byte === 0x20 || byte === 0x09 || byte === LINE_FEED || byte === CARRIAGE_RETURN; byte = this.source[i]) i++;
    return i;
  }

  /** A double-quoted literal's UTF-8, escapes resolved; `at` is just past the opening quote. */
  private string(at: number): number {
    const { source } = this;
    let i = at;
    for (;;) {
      const quote = source.indexOf(QUOTE, i);
      const end = Math.min(quote < 0 ? source.length : quote, this.next(BACKSLASH, i));
      const lineFeed = source.indexOf(LINE_FEED, i);
      if (quote < 0 || (lineFeed >= 0 && lineFeed < end) || this.next(CARRIAGE_RETURN, i) < end) this.fail(i, "an unterminated string");
      source.copyWithin(this.length, i, end);
      this.length += end - i;
      i = end;
      if (i === quote) return i + 1;
      i = this.escape(i);
    }
  }

  /** The next `byte` at or after `at`: rare bytes are searched for again only once passed. */
  private next(byte: number, at: number): number {
    const known = this.ahead.get(byte);
    if (known !== undefined && known >= at) return known;
    const found = this.source.indexOf(byte, at);
    const next = found < 0 ? this.source.length : found;
    this.ahead.set(byte, next);
    return next;
  }

  /** Writes the escape at `at` (a backslash); returns the index after it. */
  private escape(at: number): number {
    const { source } = this;
    const escape = String.fromCharCode(source[at + 1] ?? 0);
    const single = SINGLE_ESCAPES[escape];
    if (single !== undefined) {
      source[this.length++] = single;
      return at + 2;
    }
    if (escape === "0" && !isDigit(source[at + 2])) {
      source[this.length++] = 0;
      return at + 2;
    }
    if (escape === "x") {
      this.codePoint(this.hex(at + 2, 2), at);
      return at + 4;
    }
    if (escape !== "u") this.fail(at, `an unexpected escape \\${escape}`);
    let unit = this.hex(at + 2, 4);
    let i = at + 6;
    if (unit >= 0xd800 && unit <= 0xdbff && source[i] === BACKSLASH && source[i + 1] === 0x75) {
      const low = this.hex(i + 2, 4);
      if (low >= 0xdc00 && low <= 0xdfff) {
        unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        i += 6;
      }
    }
    this.codePoint(unit, at);
    return i;
  }

  private hex(at: number, digits: number): number {
    const text = String.fromCharCode(...this.source.subarray(at, at + digits));
    if (!/^[0-9a-fA-F]+$/.test(text) || text.length !== digits) this.fail(at, "a malformed hex escape");
    return Number.parseInt(text, 16);
  }

  private codePoint(code: number, at: number): void {
    // a lone surrogate would be a string that is no UTF-8 text: the library would key it apart from its bytes
    if (code >= 0xd800 && code <= 0xdfff) this.fail(at, "a lone surrogate escape");
    const bytes = this.source;
    if (code < 0x80) bytes[this.length++] = code;
    else if (code < 0x800) {
      bytes[this.length++] = 0xc0 | (code >> 6);
      bytes[this.length++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      bytes[this.length++] = 0xe0 | (code >> 12);
      bytes[this.length++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[this.length++] = 0x80 | (code & 0x3f);
    } else {
      bytes[this.length++] = 0xf0 | (code >> 18);
      bytes[this.length++] = 0x80 | ((code >> 12) & 0x3f);
      bytes[this.length++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[this.length++] = 0x80 | (code & 0x3f);
    }
  }

  /** `[n, n, …]` of byte values; `at` is just past the `[`. */
  private byteList(at: number): number {
    const { source } = this;
    let i = this.skipSpace(at);
    for (;;) {
      let value = 0;
      const start = i;
      for (; isDigit(source[i]); i++) value = value * 10 + ((source[i] as number) - 0x30);
      if (i === start || i - start > 3 || value > 255) this.fail(start, "a byte value that is not 0–255");
      source[this.length++] = value;
      i = this.skipSpace(i);
      if (source[i] === CLOSE) return i + 1;
      if (source[i] !== COMMA) this.fail(i, "no comma in a byte list");
      i = this.skipSpace(i + 1);
    }
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

const ARRAY = /^const (\w+) = \[$/;
const CONCAT = /^const (\w+) = (\w+)\.concat\(([\w, ]*)\);$/;
const EXPORT = /^export \{ (\w+) as default \};$/;

/**
 * Every rank's bytes from a rank file's text, in rank order. `expected` is the number of ranks the pinned version
 * has: fewer or more fails, as does a layout other than the arrays concatenated in the order they are declared.
 * `source` is the work buffer: it is overwritten.
 */
export function parseRankFile(source: Uint8Array, file: string, expected: number): TokenBytes {
  // a string entry is raw bytes cut at ASCII quotes and backslashes plus escapes written as UTF-8: if the file is
  // UTF-8, so is every string entry (checking each one apart would cost 200,000 views)
  if (!isUtf8(source)) throw new RankFileError(file, 0, "text that is not UTF-8");
  const writer = new EntryWriter(source, file, expected);
  const declared: string[] = [];
  let joined: { name: string; parts: string[] } | undefined;
  let exported: string | undefined;
  let at = 0;
  while (at < source.length) {
    let end = source.indexOf(LINE_FEED, at);
    if (end < 0) end = source.length;
    const line = new TextDecoder().decode(source.subarray(at, end)).trimEnd();
    const array = ARRAY.exec(line);
    const concat = CONCAT.exec(line);
    const exporting = EXPORT.exec(line);
    if (array) {
      declared.push(array[1] as string);
      at = writer.array(end + 1);
      if (source[at] !== 0x3b) writer.fail(at, "no `;` after an array");
      continue;
    }
    if (concat) joined = { name: concat[1] as string, parts: [concat[2] as string, ...(concat[3] as string).split(/, */).filter(Boolean)] };
    if (exporting) exported = exporting[1];
    at = end + 1;
  }
  if (!joined || joined.name !== exported || joined.parts.join() !== declared.join()) {
    writer.fail(at, `exports ${exported} = ${joined?.parts.join(".concat ")} rather than its arrays ${declared.join(", ")} in order`);
  }
  if (writer.count !== expected) writer.fail(at, `${writer.count} entries rather than ${expected}`);
  return { bytes: source.slice(0, writer.length), offsets: writer.offsets, hidden: writer.hidden };
}
