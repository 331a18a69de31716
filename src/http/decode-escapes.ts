/** @module Percent-escapes decoded where valid and kept where not, so a malformed escape never throws or hides the rest. */

export function decodeEscapes(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes;
    }
  });
}
