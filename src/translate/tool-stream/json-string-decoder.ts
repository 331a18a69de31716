/**
 * @module The body of one JSON string, decoded a UTF-16 unit at a time: the tool-block parser reads a call's name
 * and a string-form `"arguments"` (tool-calls.md §2, deviation 3) as they stream, an escape split across chunks
 * included. It accepts exactly what `JSON.parse` accepts inside quotes.
 */

/** The closing quote was read: the string is over. */
export const STRING_END = Symbol("string-end");
/** The unit cannot appear here in a JSON string (a raw control character, an unknown escape, a bad `\u` digit). */
export const STRING_INVALID = Symbol("string-invalid");

/** Decoded text (`""` while an escape is being read), or the end, or a refusal. */
export type StringStep = string | typeof STRING_END | typeof STRING_INVALID;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const HEX_DIGIT = /^[0-9a-fA-F]$/;

/** Starts after the opening quote; feed it units until it answers STRING_END or STRING_INVALID. */
export class JsonStringDecoder {
  /** -1: plain text; 0: after a backslash; 1..4: reading the hex digits of `\u`. */
  private escape = -1;
  private hex = "";

  push(unit: string): StringStep {
    if (this.escape === -1) {
      if (unit === '"') return STRING_END;
      if (unit === "\\") {
        this.escape = 0;
        return "";
      }
      return unit.charCodeAt(0) < 0x20 ? STRING_INVALID : unit;
    }
    if (this.escape === 0) {
      if (unit === "u") {
        this.escape = 1;
        this.hex = "";
        return "";
      }
      const decoded = SIMPLE_ESCAPES[unit];
      this.escape = -1;
      return decoded ?? STRING_INVALID;
    }
    if (!HEX_DIGIT.test(unit)) return STRING_INVALID;
    this.hex += unit;
    if (this.escape < 4) {
      this.escape++;
      return "";
    }
    this.escape = -1;
    // a lone surrogate is legal JSON; its partner, when there is one, follows as the next escape
    return String.fromCharCode(Number.parseInt(this.hex, 16));
  }
}
