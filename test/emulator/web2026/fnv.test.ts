/** The 2026 hash and verifier against the worked vectors of web-2026.md §3.3 and §3.5, and the answers it refuses. */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { sha3Hex } from "../pow-verify.ts";
import { fnv1a32Mixed, verifyProof2026 } from "./fnv.ts";

const CONFIG: unknown[] = [3000, "Fri Aug 21 2026 10:00:00 GMT-0700 (Pacific Daylight Time)", 4294967296, 0, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36", "https://chatgpt.com/backend-api/sentinel/sdk.js", "prod-0123456789abcdef0123456789abcdef01234567", "en-US", "en-US,en", 0, "webdriver\u2212false", "location", "onload", 1234.5, "11111111-2222-4333-8444-555555555555", "", 8, 1787331598765.5, 0, 0, 0, 0, 0, 0, 0];

function body(nonce: number, slot9: number = 0): string {
  const config = [...CONFIG];
  config[3] = nonce;
  config[9] = slot9;
  return Buffer.from(JSON.stringify(config)).toString("base64");
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

describe("fnv1a32Mixed", () => {
  test.each([
    ["", "ab3e7c0b"],
    ["a", "1a80b1b3"],
    ["abc", "1cc93dbc"],
    ["hello", "888d766e"],
    ["0.8118613382182117", "deaaa01b"],
    ["gAAAAAB", "4a280c64"],
  ])("hashes %p to %s", (input, hex) => {
    expect(fnv1a32Mixed(input)).toBe(hex);
  });
});

describe("the worked proof vectors", () => {
  test.each([
    ["V1", "0.8118613382182117", "0fffff", 2, "046f48f2", "d5a6a3379b6dced7"],
    ["V2", "0.42517163012345678", "06e1cc", 17, "038e1dba", "f0c4c154e8019c2a"],
    ["V3", "0.123456789012345678", "073762", 24, "046a3cc5", "5927f5ad74f325b8"],
  ])("%s (seed %s, difficulty %s)", (_, seed, difficulty, nonce, hex, digest) => {
    const verdicts = Array.from({ length: nonce + 1 }, (_, n) => verifyProof2026(`gAAAAAB${body(n)}~S`, seed, difficulty, false).ok);
    const token = `gAAAAAB${body(nonce)}~S`;
    expect({ verdicts, hex: fnv1a32Mixed(seed + body(nonce)), length: token.length, digest: sha256(token), start: token.slice(0, 40) }).toEqual({
      verdicts: [...Array(nonce).fill(false), true],
      hex,
      length: 589,
      digest,
      start: "gAAAAABWzMwMDAsIkZyaSBBdWcgMjEgMjAyNiAxM",
    });
  });

  test("V1's per-nonce hashes and end", () => {
    expect([0, 1, 2].map((n) => fnv1a32Mixed(`0.8118613382182117${body(n)}`))).toEqual(["17fea2a1", "382d2f0d", "046f48f2"]);
    expect(`gAAAAAB${body(2)}~S`.endsWith("LDE3ODczMzE1OTg3NjUuNSwwLDAsMCwwLDAsMCwwXQ==~S")).toBe(true);
  });

  test("the requirements-token vector", () => {
    const p = `gAAAAAC${body(1, 0.5)}`;
    expect({ length: p.length, start: p.slice(0, 48), digest: sha256(p) }).toEqual({ length: 587, start: "gAAAAACWzMwMDAsIkZyaSBBdWcgMjEgMjAyNiAxMDowMDowM", digest: "762aef543449f8d1" });
  });
});

describe("verifyProof2026 refuses", () => {
  test("V1's accepted answer without ~S", () => {
    expect(verifyProof2026(`gAAAAAB${body(2)}`, "0.8118613382182117", "0fffff", false)).toEqual({ ok: false, reason: "proof of work must end with ~S" });
  });

  test("a SHA3-512 answer, unless SHA3 is accepted", () => {
    const seed = "0.8118613382182117";
    const nonce = Array.from({ length: 5000 }, (_, n) => n).find((n) => sha3Hex(seed + body(n)).slice(0, 6) <= "0fffff" && fnv1a32Mixed(seed + body(n)).slice(0, 6) > "0fffff");
    if (nonce === undefined) throw new Error("no SHA3-only nonce");
    const token = `gAAAAAB${body(nonce)}`;
    expect([verifyProof2026(token, seed, "0fffff", false), verifyProof2026(token, seed, "0fffff", true)]).toEqual([
      { ok: false, reason: "proof of work uses SHA3-512; this server wants FNV-1a" },
      { ok: true, algorithm: "sha3" },
    ]);
  });

  test.each([
    ["the browser's give-up token", "gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DImUi~S", "proof of work was not solved"],
    ["a 10-slot config", `gAAAAAB${Buffer.from("[1,2,3,4,5,6,7,8,9,10]").toString("base64")}~S`, "proof token is not base64 of a JSON array of 18 or 25 slots"],
    ["a requirements token", `gAAAAAC${body(2)}~S`, "proof token must start with gAAAAAB"],
    ["garbled base64", "gAAAAAB!!!~S", "proof token is not base64 of a JSON array of 18 or 25 slots"],
  ])("%s", (_, token, reason) => {
    expect(verifyProof2026(token, "0.8118613382182117", "0fffff", true)).toEqual({ ok: false, reason });
  });
});
