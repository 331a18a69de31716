/**
 * @module One byte-level BPE encoding (o200k_base, cl100k_base) over a {@link RankTable}: the same tokens as
 * gpt-tokenizer's `encode(text, { allowedSpecial: none, disallowedSpecial: none })`, special-token text in the
 * input being plain text. bpe.test.ts holds it to that.
 */
import { BytePairMerger, mergeRankOf } from "./byte-pair-merge.ts";
import type { RankTable } from "./rank-table.ts";

/** Work buffers up to this many bytes are kept between calls; a longer piece's are dropped after its call. */
const KEPT_BYTES = 64 * 1024;

export class BpeEncoding {
  /** The encoding's pre-tokenizer, for callers that cut text at piece boundaries (its `lastIndex` is theirs). */
  readonly split: RegExp;
  private readonly pieces: RegExp;
  private readonly table: RankTable;
  /** Special tokens only ever decode: id → text. */
  private readonly specials: Map<number, Uint8Array>;
  private readonly merger = new BytePairMerger();
  private readonly encoder = new TextEncoder();
  private utf8 = new Uint8Array(1024);
  /** The rank of the last piece as a whole, or -1 when it was merged from parts. */
  private whole = -1;

  constructor(table: RankTable, split: RegExp, specials: ReadonlyMap<string, number>) {
    this.table = table;
    this.split = new RegExp(split.source, "gu");
    this.pieces = new RegExp(split.source, "gu");
    this.specials = new Map([...specials].map(([text, id]) => [id, this.encoder.encode(text)]));
  }

  count(text: string): number {
    let tokens = 0;
    const { pieces } = this;
    pieces.lastIndex = 0;
    for (let match = pieces.exec(text); match !== null; match = pieces.exec(text)) tokens += this.tokenize(match[0]);
    this.release();
    return tokens;
  }

  encode(text: string): number[] {
    const tokens: number[] = [];
    const { pieces, table, merger } = this;
    pieces.lastIndex = 0;
    for (let match = pieces.exec(text); match !== null; match = pieces.exec(text)) {
      const parts = this.tokenize(match[0]);
      if (this.whole >= 0) tokens.push(this.whole);
      else for (let i = 0; i < parts; i++) tokens.push(mergeRankOf(table, this.utf8, merger.starts[i] as number, merger.starts[i + 1] as number));
    }
    this.release();
    return tokens;
  }

  /**
   * The text of `tokens`' bytes. A character the last tokens leave incomplete is left out, so a prefix of an
   * encoding decodes to the whole characters it holds (usage.ts's cut relies on that); one cut elsewhere is U+FFFD.
   */
  decode(tokens: number[]): string {
    let length = 0;
    for (const token of tokens) length += this.bytesOf(token).length;
    const bytes = new Uint8Array(length);
    let at = 0;
    for (const token of tokens) {
      const part = this.bytesOf(token);
      bytes.set(part, at);
      at += part.length;
    }
    // a decoder per call: a shared streaming one would carry one call's half character into the next call
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes, { stream: true });
  }

  /** Drops work buffers an over-long piece grew, so that one long text does not keep them for good. */
  private release(): void {
    if (this.utf8.length > KEPT_BYTES) this.utf8 = new Uint8Array(1024);
    this.merger.release(KEPT_BYTES);
  }

  private bytesOf(token: number): Uint8Array {
    if (Number.isInteger(token) && token >= 0 && token < this.table.size) return this.table.tokenBytes(token);
    const special = this.specials.get(token);
    if (special === undefined) throw new Error(`Token ${token} is not in the byte pair encoder.`);
    return special;
  }

  /** The number of tokens of one piece; sets {@link whole}, and leaves the parts' boundaries in the merger. */
  private tokenize(piece: string): number {
    if (this.utf8.length < piece.length * 3) this.utf8 = new Uint8Array(piece.length * 3);
    const { written } = this.encoder.encodeInto(piece, this.utf8);
    this.whole = this.table.rankOf(this.utf8, 0, written);
    // a lone surrogate is written as U+FFFD; gpt-tokenizer looks the piece up by its UTF-16 text, so such a piece
    // is never one token as a whole there, only through the merge of those bytes
    if (this.whole >= 0 && !piece.isWellFormed()) this.whole = -1;
    if (this.whole >= 0) return 1;
    return this.merger.merge(this.table, this.utf8, written);
  }
}
