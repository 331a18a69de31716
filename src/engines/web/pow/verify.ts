/**
 * @module Checks a proof-of-work answer token the way the server must (upstream.md §4.3). Self-contained on
 * purpose: the emulator imports it, and as an independent implementation (hex strings, no byte tricks) it also
 * cross-checks the solver in tests.
 */
import { createHash } from "node:crypto";

const ANSWER_PREFIX = "gAAAAAB";
const FAILURE_MARKER = "wQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * True when `token` is `gAAAAAB` + the base64 of a JSON array and SHA3-512(seed + base64) has its first
 * `difficulty.length` hex digits <= `difficulty`. The browser's "gave up" token is never valid.
 */
export function verifyProofOfWork(seed: string, difficulty: string, token: string): boolean {
  if (!token.startsWith(ANSWER_PREFIX)) return false;
  const encoded = token.slice(ANSWER_PREFIX.length);
  if (encoded.startsWith(FAILURE_MARKER) || encoded.length === 0 || !BASE64.test(encoded)) return false;
  if (!/^[0-9a-fA-F]*$/.test(difficulty)) return false;
  if (!Array.isArray(parseJson(Buffer.from(encoded, "base64").toString("utf8")))) return false;
  const hash = createHash("sha3-512").update(seed + encoded).digest("hex");
  return hash.slice(0, difficulty.length) <= difficulty.toLowerCase();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
