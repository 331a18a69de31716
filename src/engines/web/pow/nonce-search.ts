/**
 * @module The proof-of-work inner loop (upstream.md §4.3), prepared once per challenge and then run over any nonce
 * range or stride. The solver, the worker and the bench all drive this one loop.
 *
 * The per-attempt input is `seed ‖ base64(JSON.stringify(config))` where only the decimal digits at idx 3 (nonce)
 * and idx 9 (nonce >> 1) change. Base64 maps each 3-byte group of the JSON to 4 characters on its own, so we keep
 * the whole input in one byte buffer and per attempt rewrite only the digits and re-encode the few groups that
 * contain them; everything else stays encoded. The buffer is rebuilt only when a nonce gains a digit.
 */
import type { PowConfig } from "./config.ts";

export interface NonceSearch {
  /** Tries `count` nonces `startNonce, startNonce + step, …`; `nonce` is the first accepted one, else null. */
  search(startNonce: number, step: number, count: number): { nonce: number | null; attempts: number };
  /** The `base64(JSON)` that was hashed for `nonce` (what follows `gAAAAAB` in the token). */
  encodedConfig(nonce: number): string;
}

/** The accepted-hash bound of §4.3 step 5, as digest bytes plus an optional trailing nibble. */
export interface DifficultyTarget {
  bytes: Uint8Array;
  /** The high nibble bound for an odd-length difficulty, or -1. */
  nibble: number;
}

const SHA3_512_HEX_LENGTH = 128;

/** Parses a hex difficulty; throws a TypeError on anything but hex (case is ignored: the spec compares lowercase). */
export function parseDifficulty(difficulty: string): DifficultyTarget {
  if (!/^[0-9a-fA-F]*$/.test(difficulty)) throw new TypeError("A proof-of-work difficulty must be a hex string.");
  // A difficulty longer than the digest still compares its first 128 digits; equality then means "<=".
  const hex = difficulty.slice(0, SHA3_512_HEX_LENGTH).toLowerCase();
  const bytes = Uint8Array.from({ length: hex.length >> 1 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  const nibble = hex.length % 2 === 1 ? Number.parseInt(hex.slice(-1), 16) : -1;
  return { bytes, nibble };
}

/** Whether a digest's leading hex digits are <= the target, compared on bytes so no hex string is made. */
export function meetsTarget(digest: Uint8Array, target: DifficultyTarget): boolean {
  const { bytes, nibble } = target;
  for (let i = 0; i < bytes.length; i++) {
    const d = digest[i] as number;
    const t = bytes[i] as number;
    if (d !== t) return d < t;
  }
  return nibble < 0 || (digest[bytes.length] as number) >> 4 <= nibble;
}

const BASE64 = new TextEncoder().encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
const PAD = 61; // "="

interface Layout {
  /** Nonces in [min1, max1) and halves in [min2, max2) have the digit counts this layout was built for. */
  min1: number;
  max1: number;
  min2: number;
  max2: number;
  json: Uint8Array;
  /** seed bytes followed by the base64 of `json`: what is hashed. */
  input: Uint8Array;
  /** The part of `input` after the prefix absorbed once into the base hasher. */
  rest: Uint8Array;
  at2: number;
  digits1: number;
  digits2: number;
  /** Ranges [from, to) of 3-byte group indexes that hold nonce digits. */
  groups: [number, number, number, number];
}

export function createNonceSearch(seed: string, difficulty: string, config: PowConfig): NonceSearch {
  const target = parseDifficulty(difficulty);
  const encoder = new TextEncoder();
  const seedBytes = encoder.encode(seed);
  // Array JSON is its items joined by commas, so the config splits around the two nonce slots exactly.
  const items = config.map((value) => JSON.stringify(value) ?? "null");
  const head = encoder.encode(`[${items.slice(0, 3).join(",")},`);
  const middle = encoder.encode(`,${items.slice(4, 9).join(",")},`);
  const tail = encoder.encode(`,${items.slice(10).join(",")}]`);
  const at1 = head.length;
  const fixedGroups = Math.floor(at1 / 3);
  // The seed and the base64 of the JSON before the first nonce never change: absorb them once, copy per attempt.
  const base = new Bun.CryptoHasher("sha3-512");
  base.update(seedBytes);
  base.update(Buffer.from(head.subarray(0, fixedGroups * 3)).toString("base64"));
  const digest = new Uint8Array(64);
  let layout = buildLayout(0, 0);

  function buildLayout(nonce: number, half: number): Layout {
    const digits1 = digitCount(nonce);
    const digits2 = digitCount(half);
    const at2 = at1 + digits1 + middle.length;
    const json = new Uint8Array(at2 + digits2 + tail.length);
    json.set(head, 0);
    json.set(middle, at1 + digits1);
    json.set(tail, at2 + digits2);
    const input = new Uint8Array(seedBytes.length + Math.ceil(json.length / 3) * 4);
    input.set(seedBytes, 0);
    encodeGroups(json, input, seedBytes.length, 0, Math.ceil(json.length / 3));
    const groups: Layout["groups"] = [fixedGroups, Math.ceil((at1 + digits1) / 3), Math.floor(at2 / 3), Math.ceil((at2 + digits2) / 3)];
    const rest = input.subarray(seedBytes.length + fixedGroups * 4);
    const [min1, max1] = digitRange(digits1);
    const [min2, max2] = digitRange(digits2);
    return { min1, max1, min2, max2, json, input, rest, at2, digits1, digits2, groups };
  }

  function place(nonce: number): Layout {
    const half = Math.floor(nonce / 2);
    if (nonce < layout.min1 || nonce >= layout.max1 || half < layout.min2 || half >= layout.max2) layout = buildLayout(nonce, half);
    const { json, input, groups } = layout;
    writeDigits(json, at1, layout.digits1, nonce);
    writeDigits(json, layout.at2, layout.digits2, half);
    encodeGroups(json, input, seedBytes.length, groups[0], groups[1]);
    encodeGroups(json, input, seedBytes.length, groups[2], groups[3]);
    return layout;
  }

  return {
    search(startNonce, step, count) {
      let nonce = startNonce;
      for (let attempt = 0; attempt < count; attempt++, nonce += step) {
        base.copy().update(place(nonce).rest).digest(digest);
        if (meetsTarget(digest, target)) return { nonce, attempts: attempt + 1 };
      }
      return { nonce: null, attempts: count };
    },
    encodedConfig(nonce) {
      return Buffer.from(place(nonce).input.subarray(seedBytes.length)).toString("latin1");
    },
  };
}

/** The nonces written with `digits` decimal digits: [10^(digits-1), 10^digits), and 0 for one digit. */
function digitRange(digits: number): [number, number] {
  return [digits === 1 ? 0 : 10 ** (digits - 1), 10 ** digits];
}

function digitCount(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

function writeDigits(json: Uint8Array, at: number, length: number, n: number): void {
  for (let i = at + length - 1; i >= at; i--) {
    json[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
}

/** Base64-encodes 3-byte groups [from, to) of `json` into `out` at `offset + 4 * group`, padding a short last group. */
function encodeGroups(json: Uint8Array, out: Uint8Array, offset: number, from: number, to: number): void {
  for (let g = from; g < to; g++) {
    const i = g * 3;
    const left = json.length - i;
    const b0 = json[i] as number;
    const b1 = left > 1 ? (json[i + 1] as number) : 0;
    const b2 = left > 2 ? (json[i + 2] as number) : 0;
    const o = offset + g * 4;
    out[o] = BASE64[b0 >> 2] as number;
    out[o + 1] = BASE64[((b0 & 3) << 4) | (b1 >> 4)] as number;
    out[o + 2] = left > 1 ? (BASE64[((b1 & 15) << 2) | (b2 >> 6)] as number) : PAD;
    out[o + 3] = left > 2 ? (BASE64[b2 & 63] as number) : PAD;
  }
}
