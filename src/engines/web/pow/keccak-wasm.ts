/**
 * @module Keccak-f[1600] (FIPS 202) as a small WebAssembly function emitted here on first use, for the SHA3-512
 * proof-of-work loop. Native hashers cost a call, a hasher copy and an object per attempt (Bun.CryptoHasher with
 * `copy()` reached 0.8× `openssl speed`); this one keeps the state in linear memory the loop writes into directly, so
 * an attempt is one call that absorbs whole blocks (1.0–1.07× OpenSSL on the same core, bench/RESULTS.md). Written
 * from FIPS 202 here; the round constants and rotations are derived from the spec's definitions, not tabulated.
 *
 * Memory: the 25-lane state at 0 (its first 64 bytes are the SHA3-512 digest once absorbing ends), the 24 round
 * constants at 200, a saved state at `SAVED_OFFSET`, the input blocks from `INPUT_OFFSET`. `absorb(ptr, blocks,
 * from)` starts from the state at `from` (0, or a saved one), XORs each 72-byte block into it and permutes, and
 * leaves the result at 0; padding is the caller's.
 */

const STATE_BYTES = 200;
const SHA3_512_RATE = 72;
const INPUT_OFFSET = 1024;
/** A hasher's state after its prefix, kept in the module's memory so an attempt starts from it without a copy. */
const SAVED_OFFSET = 512;
/** One 64 KiB page: room for inputs of some 900 blocks, far above an answer's eight. */
const INPUT_CAPACITY = 65536 - INPUT_OFFSET;

interface Keccak {
  memory: Uint8Array;
  absorb(ptr: number, blocks: number, from: number): void;
}

const ROUND_CONSTANTS_OFFSET = 200;

/** The round constants, from the spec's LFSR (x^8 + x^6 + x^5 + x^4 + 1). */
function roundConstants(): bigint[] {
  const bit = (t: number): number => {
    let r = 1;
    for (let i = 0; i < t % 255; i++) {
      r <<= 1;
      if (r & 0x100) r ^= 0x171;
    }
    return r & 1;
  };
  return Array.from({ length: 24 }, (_, round) => {
    let rc = 0n;
    for (let j = 0; j < 7; j++) if (bit(j + 7 * round)) rc |= 1n << BigInt(2 ** j - 1);
    return rc;
  });
}

/** Rotation per lane index x + 5y, walking (x, y) → (y, 2x + 3y) from (1, 0) as the spec defines rho. */
function rotations(): number[] {
  const r = new Array<number>(25).fill(0);
  let [x, y] = [1, 0];
  for (let t = 0; t < 24; t++) {
    r[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return r;
}

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => [...uleb(text.length), ...new TextEncoder().encode(text)];

const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  get: 0x20,
  set: 0x21,
  i32Const: 0x41,
  i64Const: 0x42,
  i64Load: 0x29,
  i64Store: 0x37,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Rotl: 0x89,
} as const;

/** NOT of the i64 on the stack: XOR with -1. */
const NOT = [OP.i64Const, 0x7f, OP.i64Xor] as const;

/**
 * The lane complementing transform (the Keccak team's implementation overview, §2.2): with these six lanes kept
 * complemented for the whole permutation, chi's `b[x] ^ (~b[x+1] & b[x+2])` needs 8 NOTs a round instead of 25 —
 * each row mixes AND and OR and complements at most two of its inputs, as below. Lanes by x + 5y; they are
 * complemented once as the state is loaded and back before it is stored.
 */
const COMPLEMENTED_LANES = [1, 2, 8, 12, 17, 20];

interface ChiLane {
  /** Complement `b[x]`, `b[x+1]`, `b[x+2]` before use; `op` joins the last two. */
  self: boolean;
  first: boolean;
  second: boolean;
  op: "and" | "or";
}

const lane = (op: "and" | "or", not: "" | "self" | "first" | "second" = ""): ChiLane => ({ self: not === "self", first: not === "first", second: not === "second", op });
/** Per row y, per x: `(self?~:)b[x] ^ ((first?~:)b[x+1] op (second?~:)b[x+2])`. */
const CHI: readonly (readonly ChiLane[])[] = [
  [lane("or"), lane("or", "first"), lane("and"), lane("or"), lane("and")],
  [lane("or"), lane("and"), lane("or", "second"), lane("or"), lane("and")],
  [lane("or"), lane("and"), lane("and", "first"), lane("or", "self"), lane("and")],
  [lane("and"), lane("or"), lane("or", "first"), lane("and", "self"), lane("or")],
  [lane("and", "first"), lane("or", "self"), lane("and"), lane("or"), lane("and")],
];

/**
 * The body of `absorb(ptr i32, blocks i32)`. Lanes live in locals; each round reads one set of 25 and writes the other
 * (two rounds per loop turn), applying theta's column parity while it reads, rho and pi as it picks lanes, and chi a
 * row of five at a time, so no pass stores intermediate lanes.
 */
function absorbBody(): number[] {
  const PTR = 0;
  const BLOCKS = 1;
  const FROM = 2;
  const A = 3; // lanes a[x + 5y]
  const E = A + 25; // the other set
  const C = E + 25; // column parities
  const D = C + 5;
  const B = D + 5; // one row after rho and pi
  const ROUND = B + 5; // i32
  const rot = rotations();
  const code: number[] = [];
  const emit = (...bytes: number[]) => code.push(...bytes);
  const get = (local: number) => emit(OP.get, ...uleb(local));
  const set = (local: number) => emit(OP.set, ...uleb(local));
  const load = (offset: number) => emit(OP.i64Load, 3, ...uleb(offset));

  const round = (src: number, dst: number, constantOffset: number) => {
    for (let x = 0; x < 5; x++) {
      get(src + x);
      for (let y = 1; y < 5; y++) {
        get(src + x + 5 * y);
        emit(OP.i64Xor);
      }
      set(C + x);
    }
    for (let x = 0; x < 5; x++) {
      get(C + ((x + 4) % 5));
      get(C + ((x + 1) % 5));
      emit(OP.i64Const, 1, OP.i64Rotl, OP.i64Xor);
      set(D + x);
    }
    for (let yOut = 0; yOut < 5; yOut++) {
      for (let xOut = 0; xOut < 5; xOut++) {
        // pi sends lane (x, y) to (y, 2x + 3y): the source of (xOut, yOut) is y = xOut, x = 3(yOut - 3xOut) mod 5.
        const y = xOut;
        const x = (((3 * (yOut - 3 * xOut)) % 5) + 5) % 5;
        get(src + x + 5 * y);
        get(D + x);
        emit(OP.i64Xor);
        const r = rot[x + 5 * y] as number;
        if (r !== 0) emit(OP.i64Const, ...sleb(r), OP.i64Rotl);
        set(B + xOut);
      }
      for (let x = 0; x < 5; x++) {
        const chi = CHI[yOut]?.[x];
        if (!chi) throw new Error(`no chi entry for lane ${x + 5 * yOut}`);
        const { self, first, second, op } = chi;
        get(B + x);
        if (self) emit(...NOT);
        get(B + ((x + 1) % 5));
        if (first) emit(...NOT);
        get(B + ((x + 2) % 5));
        if (second) emit(...NOT);
        emit(op === "or" ? OP.i64Or : OP.i64And, OP.i64Xor);
        if (x === 0 && yOut === 0) {
          get(ROUND);
          load(ROUND_CONSTANTS_OFFSET + constantOffset);
          emit(OP.i64Xor);
        }
        set(dst + x + 5 * yOut);
      }
    }
  };

  for (let i = 0; i < 25; i++) {
    get(FROM);
    load(8 * i);
    set(A + i);
  }
  const complementLanes = () => {
    for (const i of COMPLEMENTED_LANES) {
      get(A + i);
      emit(...NOT);
      set(A + i);
    }
  };
  complementLanes();
  emit(OP.block, 0x40, OP.loop, 0x40);
  get(BLOCKS);
  emit(OP.i32Eqz, OP.brIf, 1);
  for (let i = 0; i < SHA3_512_RATE / 8; i++) {
    get(A + i);
    get(PTR);
    load(8 * i);
    emit(OP.i64Xor);
    set(A + i);
  }
  // ROUND holds the byte offset of the turn's first round constant.
  emit(OP.i32Const, 0);
  set(ROUND);
  emit(OP.loop, 0x40);
  round(A, E, 0);
  round(E, A, 8);
  get(ROUND);
  emit(OP.i32Const, 16, OP.i32Add);
  set(ROUND);
  get(ROUND);
  emit(OP.i32Const, ...sleb(24 * 8), OP.i32LtU, OP.brIf, 0, OP.end);
  get(PTR);
  emit(OP.i32Const, ...sleb(SHA3_512_RATE), OP.i32Add);
  set(PTR);
  get(BLOCKS);
  emit(OP.i32Const, 1, OP.i32Sub);
  set(BLOCKS);
  emit(OP.br, 0, OP.end, OP.end);
  complementLanes();
  for (let i = 0; i < 25; i++) {
    emit(OP.i32Const, 0);
    get(A + i);
    emit(OP.i64Store, 3, ...uleb(8 * i));
  }
  emit(OP.end);
  const locals = [
    [...uleb(25 + 25 + 5 + 5 + 5), 0x7e],
    [1, 0x7f],
  ];
  const body = [...vector(locals), ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const constants = new Uint8Array(24 * 8);
  const view = new DataView(constants.buffer);
  roundConstants().forEach((rc, i) => view.setBigUint64(8 * i, rc, true));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, 3, 0x7f, 0x7f, 0x7f, 0]])),
    ...section(3, vector([[0]])),
    ...section(5, vector([[0, 1]])),
    ...section(7, vector([[...name("memory"), 2, 0], [...name("absorb"), 0, 0]])),
    ...section(10, vector([absorbBody()])),
    ...section(11, vector([[0, OP.i32Const, ...sleb(ROUND_CONSTANTS_OFFSET), OP.end, ...uleb(constants.length), ...constants]])),
  ]);
}

let shared: Keccak | undefined;

/**
 * This thread's instance, compiled on first use. Searches share it: each is synchronous and writes the whole state
 * and its input before absorbing, so none sees another's leftovers.
 */
function keccak(): Keccak {
  if (!shared) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
    const { memory, absorb } = instance.exports as { memory: WebAssembly.Memory; absorb: (ptr: number, blocks: number, from: number) => void };
    shared = { memory: new Uint8Array(memory.buffer), absorb };
  }
  return shared;
}

/** A SHA3-512 hasher whose first `prefix` bytes are absorbed once; `digest(rest)` hashes `prefix ‖ rest`. */
export interface PrefixedSha3 {
  /** Hashes `prefix ‖ rest`; the digest is valid until the next call on this thread. */
  digest(rest: Uint8Array): Uint8Array;
  /**
   * {@link PrefixedSha3.digest} of a `rest` whose bytes changed, since this hasher's last digest of the same array,
   * only in `[changed[0], changed[1])` and `[changed[2], changed[3])`: only those are copied into the module's memory
   * (a proof-of-work attempt rewrites a few digits of a ~460-byte input). Any other case copies the whole input.
   */
  digestChanged(rest: Uint8Array, changed: readonly [number, number, number, number]): Uint8Array;
}

/**
 * The hasher and the `rest` array whose saved state and input the module's memory holds now (searches on one thread take turns on it:
 * a chunk of one solve may run between two chunks of another).
 */
let inputWriter: PrefixedSha3 | null = null;
let inputRest: Uint8Array | null = null;

const SHA3_PAD_FIRST = 0x06;
const SHA3_PAD_LAST = 0x80;

export function createPrefixedSha3(prefix: Uint8Array): PrefixedSha3 {
  const { memory, absorb } = keccak();
  const wholeBlocks = Math.floor(prefix.length / SHA3_512_RATE);
  const tail = prefix.slice(wholeBlocks * SHA3_512_RATE);
  memory.fill(0, 0, STATE_BYTES);
  const blocksPerFill = Math.floor(INPUT_CAPACITY / SHA3_512_RATE);
  for (let block = 0; block < wholeBlocks; block += blocksPerFill) {
    const count = Math.min(blocksPerFill, wholeBlocks - block);
    memory.set(prefix.subarray(block * SHA3_512_RATE, (block + count) * SHA3_512_RATE), INPUT_OFFSET);
    absorb(INPUT_OFFSET, count, 0);
  }
  inputWriter = null;
  const saved = memory.slice(0, STATE_BYTES);
  const digest = memory.subarray(0, 64);
  const restAt = INPUT_OFFSET + tail.length;
  const hasher: PrefixedSha3 = {
    digest(rest) {
      const length = tail.length + rest.length;
      const blocks = Math.floor(length / SHA3_512_RATE) + 1;
      if (length + SHA3_512_RATE > INPUT_CAPACITY) throw new RangeError("The proof-of-work input is too long.");
      memory.set(saved, SAVED_OFFSET);
      memory.set(tail, INPUT_OFFSET);
      memory.set(rest, restAt);
      const end = INPUT_OFFSET + blocks * SHA3_512_RATE;
      memory.fill(0, INPUT_OFFSET + length, end);
      memory[INPUT_OFFSET + length] = SHA3_PAD_FIRST;
      (memory[end - 1] as number) |= SHA3_PAD_LAST;
      absorb(INPUT_OFFSET, blocks, SAVED_OFFSET);
      inputWriter = hasher;
      inputRest = rest;
      return digest;
    },
    digestChanged(rest, changed) {
      if (inputWriter !== hasher || inputRest !== rest) return hasher.digest(rest);
      // absorbing reads the input and the saved state and writes only the state at 0: the saved state, the rest of the
      // input and its padding are still there
      // a few bytes each: a loop, where a subarray per range would cost more than it copies
      for (let i = changed[0]; i < changed[1]; i++) memory[restAt + i] = rest[i] as number;
      for (let i = changed[2]; i < changed[3]; i++) memory[restAt + i] = rest[i] as number;
      absorb(INPUT_OFFSET, Math.floor((tail.length + rest.length) / SHA3_512_RATE) + 1, SAVED_OFFSET);
      return digest;
    },
  };
  return hasher;
}
