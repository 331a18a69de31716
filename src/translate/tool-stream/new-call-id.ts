/** @module A fresh call id as OpenAI writes them (`call_` + 24 letters and digits), for calls parsed from a reply. */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function newCallId(): string {
  // 62 * 4 = 248 of 256 byte values map evenly; the rest are drawn again so every letter is equally likely
  let id = "call_";
  while (id.length < 29) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      if (byte < 248 && id.length < 29) id += ALPHABET[byte % 62];
    }
  }
  return id;
}
