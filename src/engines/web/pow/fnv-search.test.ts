import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { VECTOR_CONFIG_2026 } from "./__fixtures__/vector-config-2026.ts";
import { fnvHex } from "./fnv.ts";
import { fnvMeets } from "./fnv-search.ts";
import { failureToken } from "./proof-search.ts";
import { requirementsToken2026 } from "./requirements-2026.ts";
import { solveProofOfWork } from "./solve.ts";

const sha256Prefix = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
/** The vectors hold slot 9 at 0: a clock that never moves from the start. */
const still = { hash: "fnv" as const, startedAt: 1_000, now: () => 1_000 };

describe("the web-2026.md §3.5 worked vectors", () => {
  test.each([
    ["V1", "0.8118613382182117", "0fffff", 2, "046f48f2", "d5a6a3379b6dced7"],
    ["V2", "0.42517163012345678", "06e1cc", 17, "038e1dba", "f0c4c154e8019c2a"],
    ["V3", "0.123456789012345678", "073762", 24, "046a3cc5", "5927f5ad74f325b8"],
  ])("%s: seed %s, difficulty %s → nonce %p, hash %s, 589 characters, SHA-256 %s…", (_, seed, difficulty, nonce, hash, digest) => {
    const result = solveProofOfWork(seed, difficulty, VECTOR_CONFIG_2026, still);
    if (!result.solved) throw new Error("not solved");
    const body = result.token.slice("gAAAAAB".length, -"~S".length);
    expect({ nonce: result.nonce, hash: fnvHex(seed + body), length: result.token.length, digest: sha256Prefix(result.token) }).toEqual({
      nonce,
      hash,
      length: 589,
      digest,
    });
    expect(result.token).toStartWith("gAAAAABWzMwMDAsIkZyaSBBdWcgMjEgMjAyNiAxM");
    expect(result.token).toEndWith("~S");
  });

  test("V1 per nonce: 17fea2a1, 382d2f0d, then 046f48f2 accepted; the token's tail is as printed", () => {
    const hashes = [0, 1, 2].map((nonce) => {
      const slots: unknown[] = [...VECTOR_CONFIG_2026];
      slots[3] = nonce;
      return fnvHex("0.8118613382182117" + Buffer.from(JSON.stringify(slots)).toString("base64"));
    });
    expect(hashes).toEqual(["17fea2a1", "382d2f0d", "046f48f2"]);
    const v1 = solveProofOfWork("0.8118613382182117", "0fffff", VECTOR_CONFIG_2026, still);
    expect(v1.token).toEndWith("LDE3ODczMzE1OTg3NjUuNSwwLDAsMCwwLDAsMCwwXQ==~S");
  });

  test("the requirements token: slot 3 = 1, slot 9 = 0.5, one encoding of 587 characters", () => {
    const token = requirementsToken2026(VECTOR_CONFIG_2026, () => 0.5);
    expect({ length: token.length, digest: sha256Prefix(token) }).toEqual({ length: 587, digest: "762aef543449f8d1" });
    expect(token).toStartWith("gAAAAACWzMwMDAsIkZyaSBBdWcgMjEgMjAyNiAxMDowMDowM");
  });

  test("the same input under SHA3 is not accepted at nonce 2: the hashes accept different nonces", () => {
    const sha3 = solveProofOfWork("0.8118613382182117", "0fffff", VECTOR_CONFIG_2026, { hash: "sha3" });
    expect(sha3.solved && sha3.nonce !== 2 && !sha3.token.endsWith("~S")).toBe(true);
  });
});

describe("FNV solving", () => {
  test("slot 9 is the milliseconds since the start, rounded, read per attempt", () => {
    let t = 5_000;
    const result = solveProofOfWork("0.1", "0fffff", VECTOR_CONFIG_2026, { hash: "fnv", startedAt: 5_000, now: () => (t += 0.6) });
    if (!result.solved) throw new Error("not solved");
    const slots = JSON.parse(Buffer.from(result.token.slice(7, -2), "base64").toString("utf8")) as unknown[];
    expect([slots[3], slots[9], slots.length]).toEqual([result.nonce, Math.round(0.6 * (result.nonce + 1)), 25]);
  });

  test("an impossible budget gives the browser's 2026 failure token (error text \"e\", ~S)", () => {
    expect(solveProofOfWork("0.5", "00000000", VECTOR_CONFIG_2026, { ...still, maxAttempts: 50 })).toEqual({
      solved: false,
      token: "gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DImUi~S",
      attempts: 50,
    });
    expect(failureToken("0.5", "fnv")).toBe("gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DImUi~S");
  });

  test.each([
    [0x046f48f2, "0fffff", true],
    [0x0fffff00, "0fffff", true],
    [0x10000000, "0fffff", false],
    [0xffffffff, "", true],
    [0x046f48f2, "046f48f2", true],
    [0x046f48f3, "046f48f2", false],
    [0x046f48f2, "046f48f2ff", true],
    [0x046f48f2, "0", true],
    [0x146f48f2, "0", false],
  ])("hash %p meets difficulty %p: %p", (hash, difficulty, meets) => {
    expect(fnvMeets(hash, difficulty)).toBe(meets);
  });
});
