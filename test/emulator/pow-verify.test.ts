/** Proof-of-work verification against the test vector of upstream.md §4.3, and the tokens it must refuse. */
import { describe, expect, test } from "bun:test";
import { decodeConfigToken, sha3Hex, verifyProofToken } from "./pow-verify.ts";

const UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
const SEED = "0.8118613382182117";

function vectorToken(nonce: number): string {
  const config = [4000, "Mon Jan 06 2025 10:00:00 GMT-0500 (Eastern Standard Time)", 4294705152, nonce, UA, "https://cdn.oaistatic.com/_next/static/chunks/main.js", "prod-0123456789abcdef", "en-US", "en-US,es-US,en,es", nonce >> 1, "webdriver\u2212false", "location", "onload", 1234.5, "11111111-2222-3333-4444-555555555555", "", 16, 1736175600123.456];
  return `gAAAAAB${Buffer.from(JSON.stringify(config)).toString("base64")}`;
}

describe("verifyProofToken", () => {
  test("accepts the documented vector at its first accepted nonce (10)", () => {
    const token = vectorToken(10);
    expect({ length: token.length, start: token.slice(0, 31), hash: sha3Hex(SEED + token.slice(7)).slice(0, 16), end: token.slice(-40) }).toEqual({
      length: 559,
      start: "gAAAAABWzQwMDAsIk1vbiBKYW4gMDYg",
      hash: "008293352d9548a7",
      end: "NTU1NSIsIiIsMTYsMTczNjE3NTYwMDEyMy40NTZd",
    });
    expect(verifyProofToken(token, SEED, "0fffff")).toEqual({ ok: true });
  });

  test("refuses every nonce below the first accepted one", () => {
    const verdicts = Array.from({ length: 10 }, (_, nonce) => verifyProofToken(vectorToken(nonce), SEED, "0fffff").ok);
    expect(verdicts).toEqual(Array(10).fill(false));
  });

  test("the same proof fails against another seed or a harder difficulty", () => {
    expect([verifyProofToken(vectorToken(10), "0.1", "0fffff").ok, verifyProofToken(vectorToken(10), SEED, "000fff").ok]).toEqual([false, false]);
  });

  test.each([
    ["the browser's give-up token", `gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D${Buffer.from(`"${SEED}"`).toString("base64")}`, "proof of work was not solved"],
    ["a requirements token instead of a proof", vectorToken(10).replace("gAAAAAB", "gAAAAAC"), "proof token must start with gAAAAAB"],
    ["garbled base64", "gAAAAAB!!!not-base64", "proof token is not base64 of a JSON array"],
    ["base64 of a JSON object", `gAAAAAB${Buffer.from('{"a":1}').toString("base64")}`, "proof token is not base64 of a JSON array"],
    ["an empty proof", "gAAAAAB", "proof token is not base64 of a JSON array"],
  ])("refuses %s", (_, token, reason) => {
    expect(verifyProofToken(token, SEED, "0fffff")).toEqual({ ok: false, reason });
  });
});

describe("decodeConfigToken", () => {
  test("returns the config array of a requirements token", () => {
    expect(decodeConfigToken(`gAAAAAC${Buffer.from("[1,\"x\"]").toString("base64")}`, "gAAAAAC")).toEqual([1, "x"]);
  });
});
