/**
 * @module Checks a proof-of-work answer token the way the server must (upstream.md §4.3, web-2026.md §3.4). Written
 * apart from the solver on purpose (hex strings, no byte tricks), so it cross-checks it in tests; the FNV hash itself
 * is pinned by the spec's vectors (fnv.test.ts).
 */
import { createHash } from "node:crypto";
import { fnvHex } from "./fnv.ts";
import type { PowHash } from "./proof-search.ts";

const ANSWER_PREFIX = "gAAAAAB";
const FAILURE_MARKER = "wQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * True when `token` is `gAAAAAB` + the base64 of a JSON array and the hash of seed + base64 has its first
 * `difficulty.length` hex digits <= `difficulty`: SHA3-512, or (2026) FNV-1a-32 + finish with the answer ending
 * in `~S`. The browser's "gave up" token is never valid.
 */
export function verifyProofOfWork(seed: string, difficulty: string, token: string, hash: PowHash = "sha3"): boolean {
  if (!token.startsWith(ANSWER_PREFIX)) return false;
  if (hash === "fnv" && !token.endsWith("~S")) return false;
  const encoded = token.slice(ANSWER_PREFIX.length, hash === "fnv" ? -2 : undefined);
  if (encoded.startsWith(FAILURE_MARKER) || encoded.length === 0 || !BASE64.test(encoded)) return false;
  if (!/^[0-9a-fA-F]*$/.test(difficulty)) return false;
  if (!Array.isArray(parseJson(Buffer.from(encoded, "base64").toString("utf8")))) return false;
  const hex = hash === "fnv" ? fnvHex(seed + encoded) : createHash("sha3-512").update(seed + encoded).digest("hex");
  return hex.slice(0, difficulty.length) <= difficulty.toLowerCase();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
