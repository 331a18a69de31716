/**
 * @module Byte-pair merge of one pre-tokenizer piece, as tiktoken (and gpt-tokenizer) do it: start from single
 * bytes and keep merging the adjacent pair whose joined bytes have the lowest rank, the leftmost one on a tie,
 * until no adjacent pair is a token. Only the two pairs next to a merge are looked up again. The work is
 * quadratic in the piece's length, as theirs is: callers cut over-long runs (token-counter.ts).
 */
import { isUtf8 } from "node:buffer";
import type { RankTable } from "./rank-table.ts";

/** A pair whose joined bytes are no token: never merged. */
const NO_RANK = 0x7fffffff;

/**
 * The rank the merge sees for `bytes[start, end)`. gpt-tokenizer turns bytes that are UTF-8 into a string with a
 * TextDecoder, which drops a leading byte order mark (EF BB BF), and looks that string up: "\uFEFF" + a token's
 * text gets that token's rank, a lone mark none. Kept, so that every count is the library's.
 */
export function mergeRankOf(table: RankTable, bytes: Uint8Array, start: number, end: number): number {
  const marked = end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
  return marked && isUtf8(bytes.subarray(start, end)) ? table.rankOf(bytes, start + 3, end) : table.rankOf(bytes, start, end);
}

/** Reusable boundaries, so that a merge allocates nothing once its buffers have grown to the longest piece. */
export class BytePairMerger {
  /** Where each part starts, then the piece's end: part `i` is `bytes[starts[i], starts[i + 1])`. */
  starts = new Int32Array(64);
  /** `ranks[i]`: the rank of parts `i` and `i + 1` joined, or {@link NO_RANK}. */
  private ranks = new Int32Array(64);

  /** Drops buffers grown beyond `bytes` entries. */
  release(bytes: number): void {
    if (this.starts.length > bytes) {
      this.starts = new Int32Array(64);
      this.ranks = new Int32Array(64);
    }
  }

  /** Merges `bytes[0, length)`; returns the number of parts (tokens), whose boundaries are left in {@link starts}. */
  merge(table: RankTable, bytes: Uint8Array, length: number): number {
    if (this.starts.length <= length) {
      this.starts = new Int32Array(length * 2);
      this.ranks = new Int32Array(length * 2);
    }
    const { starts, ranks } = this;
    for (let i = 0; i <= length; i++) starts[i] = i;
    const pairRank = (i: number): number => {
      const rank = mergeRankOf(table, bytes, starts[i] as number, starts[i + 2] as number);
      return rank < 0 ? NO_RANK : rank;
    };
    for (let i = 0; i + 1 < length; i++) ranks[i] = pairRank(i);
    let parts = length;
    while (parts > 1) {
      let lowest = NO_RANK;
      let at = -1;
      for (let i = 0; i + 1 < parts; i++) {
        if ((ranks[i] as number) < lowest) {
          lowest = ranks[i] as number;
          at = i;
        }
      }
      if (at < 0) break;
      // parts `at` and `at + 1` become one: drop the boundary between them and the pair they formed
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at + 1, at + 2, parts - 1);
      parts--;
      ranks[at] = at + 1 < parts ? pairRank(at) : NO_RANK;
      if (at > 0) ranks[at - 1] = pairRank(at - 1);
    }
    return parts;
  }
}
