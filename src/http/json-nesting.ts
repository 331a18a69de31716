/**
 * @module Measures how deep a JSON text nests before it is parsed: one linear pass over the bytes, counting brackets
 * outside strings, so a body nested 100,000 levels deep is refused in microseconds instead of costing the parser
 * (and every schema walk after it) seconds of the event loop.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when some object or array in `bytes` (UTF-8 JSON) opens more than `maxDepth` levels deep. */
export function jsonNestingExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      // UTF-8 continuation bytes are all >= 0x80, so only real quotes and backslashes match here
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
