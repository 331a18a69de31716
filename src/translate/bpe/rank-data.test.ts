import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { decodeRankData, encodeRankData, rankFileHead } from "./rank-data.ts";
import { parseRankFile, type TokenBytes } from "./rank-file.ts";
import { rankSources } from "./rank-sources.ts";

const bytesOf = (...tokens: string[]): TokenBytes => {
  const parts = tokens.map((token) => new TextEncoder().encode(token));
  const offsets = new Uint32Array(parts.length + 1);
  parts.forEach((part, i) => (offsets[i + 1] = (offsets[i] as number) + part.length));
  return { bytes: new Uint8Array(parts.flatMap((part) => [...part])), offsets, hidden: [1] };
};

describe.each(rankSources())("the shipped $name table", ({ name, size, jsFile, dataFile }) => {
  test("holds gpt-tokenizer's ranks, byte for byte (else: bun src/translate/bpe/write-rank-data.ts)", () => {
    const shipped = decodeRankData(readFileSync(dataFile), dataFile, size);
    const library = parseRankFile(readFileSync(jsFile), jsFile, size);
    expect(shipped.offsets).toEqual(library.offsets);
    expect(Buffer.from(shipped.bytes).equals(Buffer.from(library.bytes))).toBe(true);
    expect(shipped.hidden).toEqual(library.hidden);
    expect(shipped.hidden.length).toBeGreaterThan(0);
  });

  test("starts with the head the binary finds it by", () => {
    const head = rankFileHead(name);
    expect([...readFileSync(dataFile).subarray(0, head.length)]).toEqual([...head]);
  });
});

describe("the table layout", () => {
  test("what is written reads back the same", () => {
    const ranks = bytesOf("a", "\ufeffb", "héllo", "x".repeat(255));
    const back = decodeRankData(encodeRankData(ranks, "t"), "t", 4);
    expect([[...back.bytes], [...back.offsets], back.hidden]).toEqual([[...ranks.bytes], [...ranks.offsets], [1]]);
  });

  test("the file is gzip whose header's comment names the encoding", () => {
    const file = encodeRankData(bytesOf("ab", "c"), "o200k_base");
    expect(new TextDecoder().decode(rankFileHead("o200k_base").subarray(10, -1))).toBe("chat2api o200k_base ranks");
    expect([...file.subarray(0, rankFileHead("o200k_base").length)]).toEqual([...rankFileHead("o200k_base")]);
    expect(decodeRankData(file, "t", 2).offsets).toEqual(Uint32Array.of(0, 2, 3));
  });

  test("a rank longer than a length byte holds is refused when written", () => {
    expect(() => encodeRankData(bytesOf("a", "x".repeat(256)), "t")).toThrow("256 bytes long");
  });

  const written = new Uint8Array(Bun.gunzipSync(encodeRankData(bytesOf("ab", "c", "de"), "t")));
  const regzip = (bytes: Uint8Array) => new Uint8Array(Bun.gzipSync(new Uint8Array(bytes)));
  test.each([
    ["not gzip", new Uint8Array([1, 2, 3]), "not gzip data"],
    ["another magic", regzip(Uint8Array.from(written, (byte, i) => (i === 0 ? 0x58 : byte))), "not a version 1 rank table"],
    ["another version", regzip(Uint8Array.from(written, (byte, i) => (i === 4 ? 2 : byte))), "not a version 1 rank table"],
    ["cut short", regzip(written.subarray(0, written.length - 1)), "lengths that do not add up"],
    ["one byte too many", regzip(Uint8Array.from([...written, 0x61])), "lengths that do not add up"],
    ["the header only", regzip(written.subarray(0, 9)), "not a version 1 rank table"],
  ])("%s: refused, naming the file and the fix", (_name, data, why) => {
    expect(() => decodeRankData(data, "ranks/t.ranks.gz", 3)).toThrow(why);
    expect(() => decodeRankData(data, "ranks/t.ranks.gz", 3)).toThrow("ranks/t.ranks.gz: ");
  });

  test("another number of ranks than the encoding has is refused rather than shifting every id", () => {
    expect(() => decodeRankData(encodeRankData(bytesOf("ab", "c", "de"), "t"), "t", 4)).toThrow("3 ranks rather than 4");
  });
});
