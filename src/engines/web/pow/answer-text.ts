/**
 * @module The text a proof-of-work attempt hashes, `seed ‖ base64(JSON.stringify(config))`, kept as one byte buffer
 * in which only slot 3 and slot 9 change (upstream.md §4.3, web-2026.md §3.4). Both hashes' loops drive this.
 *
 * Base64 maps each 3-byte group of the JSON to 4 characters on its own, so per attempt only the decimal digits of the
 * two slots are rewritten and the few groups that hold them re-encoded; everything else stays encoded. The buffer is
 * rebuilt only when a slot gains a digit. The seed and the groups before slot 3 never change: they are the `prefix`
 * a hash absorbs once, and `rest` is what it absorbs per attempt. What depends on the config alone is kept per config
 * object (a handshake solves twice over one config).
 */
import type { PowConfig } from "./config.ts";

const BASE64 = new TextEncoder().encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
const PAD = 61; // "="

export interface AnswerText {
  /** The seed (UTF-8) and the base64 of the JSON's whole 3-byte groups before slot 3: the same for every attempt. */
  readonly prefix: Uint8Array;
  /** The base64 part of `prefix` (the answer token starts with it). */
  readonly prefixBase64: string;
  /**
   * Writes `first` into slot 3 and `second` into slot 9 (non-negative integers) and returns the encoded bytes after
   * `prefix`. The array is reused (and replaced when a digit count changes): read it before the next call.
   */
  place(first: number, second: number): Uint8Array;
  /** The whole `base64(JSON)` of the last `place` (what follows `gAAAAAB` in the token). */
  encoded(): string;
  /**
   * The byte ranges of the array `place` returned that a `place` rewrites while the digit counts stay (the groups of
   * the two slots): `[from, to, from, to]`.
   */
  changedBytes(): readonly [number, number, number, number];
}

interface Layout {
  /** Slot 3 values in [min1, max1) and slot 9 values in [min2, max2) have the digit counts this layout was built for. */
  min1: number;
  max1: number;
  min2: number;
  max2: number;
  json: Uint8Array;
  /** The base64 of `json` after the prefix groups. */
  rest: Uint8Array;
  at2: number;
  digits1: number;
  digits2: number;
  /** Ranges [from, to) of 3-byte group indexes that hold slot digits. */
  groups: [number, number, number, number];
  /** The same ranges as bytes of `rest`. */
  changed: readonly [number, number, number, number];
}

/** What an answer text takes from the config alone: the same for both solves of a handshake (the `p` and the proof). */
interface AnswerTemplate {
  head: Uint8Array;
  middle: Uint8Array;
  tail: Uint8Array;
  /** Where slot 3 starts in the JSON. */
  at1: number;
  /** The JSON's 3-byte groups before slot 3: encoded once, in `prefixBase64`. */
  fixedGroups: number;
  prefixBase64: string;
  prefixBase64Bytes: Uint8Array;
  /**
   * The layouts built so far, by the digit counts of slots 3 and 9 (`digits1 * 100 + digits2`). A text copies the one
   * it needs (its buffers are patched in place): a copy is cheaper than encoding the JSON again when a nonce gains a
   * digit, which most solves see (nonce 10, slot 9 at nonce 20).
   */
  layouts: Map<number, Layout>;
}

const templates = new WeakMap<PowConfig, AnswerTemplate>();

function templateOf(config: PowConfig): AnswerTemplate {
  const known = templates.get(config);
  if (known) return known;
  const encoder = new TextEncoder();
  // Array JSON is its items joined by commas, so the config splits around the two slots exactly.
  const items = config.map((value) => JSON.stringify(value) ?? "null");
  const head = encoder.encode(`[${items.slice(0, 3).join(",")},`);
  const middle = encoder.encode(`,${items.slice(4, 9).join(",")},`);
  const tail = encoder.encode(`,${items.slice(10).join(",")}]`);
  const at1 = head.length;
  const fixedGroups = Math.floor(at1 / 3);
  const prefixBase64 = Buffer.from(head.subarray(0, fixedGroups * 3)).toString("base64");
  const parts = { head, middle, tail, at1, fixedGroups };
  const template = { ...parts, prefixBase64, prefixBase64Bytes: encoder.encode(prefixBase64), layouts: new Map<number, Layout>() };
  templates.set(config, template);
  return template;
}

function buildLayout(template: Pick<AnswerTemplate, "head" | "middle" | "tail" | "at1" | "fixedGroups">, first: number, second: number): Layout {
  const { head, middle, tail, at1, fixedGroups } = template;
  const digits1 = digitCount(first);
  const digits2 = digitCount(second);
  const at2 = at1 + digits1 + middle.length;
  const json = new Uint8Array(at2 + digits2 + tail.length);
  json.set(head, 0);
  json.set(middle, at1 + digits1);
  json.set(tail, at2 + digits2);
  const rest = new Uint8Array((Math.ceil(json.length / 3) - fixedGroups) * 4);
  const groups: Layout["groups"] = [fixedGroups, Math.ceil((at1 + digits1) / 3), Math.floor(at2 / 3), Math.ceil((at2 + digits2) / 3)];
  encodeGroups(json, rest, fixedGroups, fixedGroups, Math.ceil(json.length / 3));
  const [min1, max1] = digitRange(digits1);
  const [min2, max2] = digitRange(digits2);
  const [g0, g1, g2, g3] = groups.map((group) => (group - fixedGroups) * 4) as [number, number, number, number];
  return { min1, max1, min2, max2, json, rest, at2, digits1, digits2, groups, changed: [g0, g1, g2, g3] };
}

/** A text's own copy of the template's layout for these slot values. */
function layoutFor(template: AnswerTemplate, first: number, second: number): Layout {
  const key = digitCount(first) * 100 + digitCount(second);
  let base = template.layouts.get(key);
  if (base === undefined) {
    base = buildLayout(template, first, second);
    template.layouts.set(key, base);
  }
  return { ...base, json: base.json.slice(), rest: base.rest.slice() };
}

export function createAnswerText(seed: Uint8Array, config: PowConfig): AnswerText {
  const template = templateOf(config);
  const { at1, fixedGroups, prefixBase64 } = template;
  const prefix = new Uint8Array(seed.length + template.prefixBase64Bytes.length);
  prefix.set(seed, 0);
  prefix.set(template.prefixBase64Bytes, seed.length);
  let layout = layoutFor(template, 0, 0);

  return {
    prefix,
    prefixBase64,
    place(first, second) {
      if (first < layout.min1 || first >= layout.max1 || second < layout.min2 || second >= layout.max2) layout = layoutFor(template, first, second);
      const { json, rest, groups } = layout;
      writeDigits(json, at1, layout.digits1, first);
      writeDigits(json, layout.at2, layout.digits2, second);
      encodeGroups(json, rest, fixedGroups, groups[0], groups[1]);
      encodeGroups(json, rest, fixedGroups, groups[2], groups[3]);
      return rest;
    },
    encoded() {
      return prefixBase64 + Buffer.from(layout.rest).toString("latin1");
    },
    changedBytes() {
      return layout.changed;
    },
  };
}

/** The integers written with `digits` decimal digits: [10^(digits-1), 10^digits), and 0 for one digit. */
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

/**
 * Base64-encodes 3-byte groups [from, to) of `json` into `out` at `4 * (group - firstGroup)`, padding a short last
 * group as Buffer does.
 */
function encodeGroups(json: Uint8Array, out: Uint8Array, firstGroup: number, from: number, to: number): void {
  for (let g = from; g < to; g++) {
    const i = g * 3;
    const left = json.length - i;
    const b0 = json[i] as number;
    const b1 = left > 1 ? (json[i + 1] as number) : 0;
    const b2 = left > 2 ? (json[i + 2] as number) : 0;
    const o = (g - firstGroup) * 4;
    out[o] = BASE64[b0 >> 2] as number;
    out[o + 1] = BASE64[((b0 & 3) << 4) | (b1 >> 4)] as number;
    out[o + 2] = left > 1 ? (BASE64[((b1 & 15) << 2) | (b2 >> 6)] as number) : PAD;
    out[o + 3] = left > 2 ? (BASE64[b2 & 63] as number) : PAD;
  }
}
