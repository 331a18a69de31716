import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { VECTOR_CONFIG, VECTOR_SEED } from "./__fixtures__/vector-config.ts";
import type { PowConfig } from "./config.ts";
import { createNonceSearch, meetsTarget, parseDifficulty } from "./nonce-search.ts";
import { failureToken, requirementsToken, solveProofOfWork } from "./solve.ts";
import { verifyProofOfWork } from "./verify.ts";

const sha3Hex = (text: string) => createHash("sha3-512").update(text).digest("hex");
const withNonce = (config: PowConfig, nonce: number): PowConfig => {
  const copy = [...config] as unknown as unknown[];
  copy[3] = nonce;
  copy[9] = nonce >> 1;
  return copy as unknown as PowConfig;
};
/** The §4.3 steps written plainly, to check the optimised loop against. */
const naiveEncoded = (config: PowConfig, nonce: number) => Buffer.from(JSON.stringify(withNonce(config, nonce))).toString("base64");

describe("the upstream.md §4.3 test vector", () => {
  const result = solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG);

  test("the first accepted nonce is 10, after 11 attempts", () => {
    expect(result.solved && { nonce: result.nonce, attempts: result.attempts }).toEqual({ nonce: 10, attempts: 11 });
  });

  test("the token has the documented length, start and end", () => {
    expect({ length: result.token.length, start: result.token.slice(0, 31), end: result.token.slice(-40) }).toEqual({
      length: 559,
      start: "gAAAAABWzQwMDAsIk1vbiBKYW4gMDYg",
      end: "NTU1NSIsIiIsMTYsMTczNjE3NTYwMDEyMy40NTZd",
    });
  });

  test("the hashed input starts 008293352d9548a7 and is the plain JSON of the config with nonce 10", () => {
    expect({ token: result.token, hash: sha3Hex(VECTOR_SEED + result.token.slice(7)).slice(0, 16) }).toEqual({
      token: `gAAAAAB${naiveEncoded(VECTOR_CONFIG, 10)}`,
      hash: "008293352d9548a7",
    });
  });
});

describe("the optimised loop equals the plain algorithm", () => {
  // Nonces around digit-count changes of both slots, where the buffer layout is rebuilt.
  test.each([0, 1, 9, 10, 11, 19, 20, 21, 99, 100, 199, 200, 201, 999, 1000, 1999, 2000, 123456, 499999, 1999999, 2000000])(
    "nonce %d encodes to base64(JSON.stringify(config))",
    (nonce) => {
      expect(createNonceSearch(VECTOR_SEED, "0", VECTOR_CONFIG).encodedConfig(nonce)).toEqual(naiveEncoded(VECTOR_CONFIG, nonce));
    },
  );

  test("non-ASCII text and every padding length encode like Buffer does", () => {
    const search = (config: PowConfig) => createNonceSearch("s", "0", config);
    const configs = ["", "é", "éé", "中文字"].map((ua) => withNonce(VECTOR_CONFIG, 0).map((v, i) => (i === 4 ? ua : v)) as unknown as PowConfig);
    expect(configs.map((c) => search(c).encodedConfig(7))).toEqual(configs.map((c) => naiveEncoded(c, 7)));
  });

  test("every nonce it accepts in a range is one the plain hex comparison accepts, and no other", () => {
    const difficulty = "1f";
    const plain = Array.from({ length: 300 }, (_, n) => n).filter((n) => sha3Hex(VECTOR_SEED + naiveEncoded(VECTOR_CONFIG, n)).slice(0, 2) <= difficulty);
    const search = createNonceSearch(VECTOR_SEED, difficulty, VECTOR_CONFIG);
    const found: number[] = [];
    for (let start = 0; start < 300; ) {
      const { nonce } = search.search(start, 1, 300 - start);
      if (nonce === null) break;
      found.push(nonce);
      start = nonce + 1;
    }
    expect(found).toEqual(plain);
  });

  test("a strided search tries start, start + step, … and finds the same nonce the plain loop would", () => {
    expect(solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG, { startNonce: 0, step: 5 })).toMatchObject({ solved: true, nonce: 10, attempts: 3 });
    expect(solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG, { startNonce: 1, step: 3, maxAttempts: 3 })).toMatchObject({ solved: false, attempts: 3 });
  });
});

describe("digest comparison", () => {
  const digest = Uint8Array.from([0x00, 0x82, 0x93, ...new Array(61).fill(0)]);
  test.each([
    ["0082", true],
    ["0083", true],
    ["0081", false],
    ["008", true],
    ["007", false],
    ["00829", true],
    ["00828", false],
    ["", true],
    ["0", true],
  ])("a digest 008293… against difficulty %p is accepted: %p", (difficulty, accepted) => {
    expect(meetsTarget(digest, parseDifficulty(difficulty))).toBe(accepted);
  });

  test("an uppercase difficulty compares like its lowercase form", () => {
    expect(parseDifficulty("0FfF")).toEqual(parseDifficulty("0fff"));
  });

  test("a non-hex difficulty is refused", () => {
    expect(() => parseDifficulty("00zz")).toThrow(TypeError);
  });
});

describe("giving up", () => {
  test("an impossible difficulty within a small budget returns the failure token", () => {
    expect(solveProofOfWork("0.42", "000000000", VECTOR_CONFIG, { maxAttempts: 200 })).toEqual({
      solved: false,
      token: `gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D${Buffer.from('"0.42"').toString("base64")}`,
      attempts: 200,
    });
  });

  test("the failure token is the marker and base64 of the quoted seed", () => {
    expect(failureToken("0.5")).toEqual("gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DIjAuNSI=");
  });
});

describe("requirements token", () => {
  test("is gAAAAAC + a 0fffff answer for the seed drawn from random", () => {
    const token = requirementsToken(VECTOR_CONFIG, () => 0.8118613382182117);
    expect({ prefix: token.slice(0, 7), valid: verifyProofOfWork(VECTOR_SEED, "0fffff", `gAAAAAB${token.slice(7)}`) }).toEqual({
      prefix: "gAAAAAC",
      valid: true,
    });
    expect(token.slice(7)).toEqual(solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG).token.slice(7));
  });
});
