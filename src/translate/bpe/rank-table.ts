/**
 * @module Byte string → rank, in three typed arrays (a few MiB for 200,000 tokens) instead of a Map of strings:
 * the tokens' bytes back to back, where each starts, and an open-addressing hash table of ranks.
 */
import type { TokenBytes } from "./rank-file.ts";

const EMPTY = -1;

/** FNV-1a over `bytes[start, end)`, its high bits folded in: the table is indexed by the low ones. */
function hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h ^ (h >>> 15);
}

export class RankTable {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** Indexes every rank but the `hidden` ones, which only decode. */
  constructor({ bytes, offsets, hidden }: TokenBytes) {
    this.bytes = bytes;
    this.offsets = offsets;
    let capacity = 1;
    // at most half full, so that a miss (most pair look-ups during a merge) ends after a probe or two
    while (capacity < 2 * this.size) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    const skip = new Set(hidden);
    for (let rank = 0; rank < this.size; rank++) if (!skip.has(rank)) this.insert(rank);
  }

  /** Number of ranks: 0 … size - 1. */
  get size(): number {
    return this.offsets.length - 1;
  }

  /** The rank of `source[start, end)`, or -1 when those bytes are no token. */
  rankOf(source: Uint8Array, start: number, end: number): number {
    const { slots, mask } = this;
    for (let slot = hash(source, start, end) & mask; ; slot = (slot + 1) & mask) {
      const rank = slots[slot] as number;
      if (rank === EMPTY || this.equals(rank, source, start, end)) return rank;
    }
  }

  /** The bytes of token `rank`, a view into the table. */
  tokenBytes(rank: number): Uint8Array {
    return this.bytes.subarray(this.offsets[rank], this.offsets[rank + 1]);
  }

  private equals(rank: number, source: Uint8Array, start: number, end: number): boolean {
    const from = this.offsets[rank] as number;
    if ((this.offsets[rank + 1] as number) - from !== end - start) return false;
    const { bytes } = this;
    for (let i = 0; i < end - start; i++) if (bytes[from + i] !== source[start + i]) return false;
    return true;
  }

  private insert(rank: number): void {
    const from = this.offsets[rank] as number;
    const to = this.offsets[rank + 1] as number;
    const { slots, mask } = this;
    let slot = hash(this.bytes, from, to) & mask;
    for (; slots[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (this.equals(slots[slot] as number, this.bytes, from, to)) throw new Error(`ranks ${slots[slot]} and ${rank} are the same bytes`);
    }
    slots[slot] = rank;
  }
}
