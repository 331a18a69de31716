import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { VECTOR_CONFIG, VECTOR_SEED } from "./__fixtures__/vector-config.ts";
import { VECTOR_CONFIG_2026 } from "./__fixtures__/vector-config-2026.ts";
import { failureToken, solveProofOfWork } from "./solve.ts";
import { verifyProofOfWork } from "./verify.ts";

const solved = solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG).token;
const encoded = solved.slice(7);
const hashOf = (text: string) => createHash("sha3-512").update(VECTOR_SEED + text).digest("hex");

describe("verifyProofOfWork", () => {
  test("accepts the solver's answer for its seed and difficulty", () => {
    expect(verifyProofOfWork(VECTOR_SEED, "0fffff", solved)).toBe(true);
  });

  test("accepts it for any easier difficulty and rejects it for a harder one", () => {
    // Its hash starts 008293352d…
    expect(["0083", "0082", "1", "", "0081", "007", "0082932"].map((d) => verifyProofOfWork(VECTOR_SEED, d, solved))).toEqual([true, true, true, true, false, false, false]);
  });

  test.each([
    ["another seed", "0.1", solved],
    ["a changed character", VECTOR_SEED, `gAAAAAB${encoded.slice(0, 100)}A${encoded.slice(101)}`],
    ["the requirements prefix", VECTOR_SEED, `gAAAAAC${encoded}`],
    ["no prefix", VECTOR_SEED, encoded],
    ["the browser's failure token", VECTOR_SEED, failureToken(VECTOR_SEED)],
    ["an empty answer", VECTOR_SEED, "gAAAAAB"],
    ["broken base64", VECTOR_SEED, `gAAAAAB${encoded.slice(0, -1)}`],
  ])("rejects %s", (_name, seed, token) => {
    expect(verifyProofOfWork(seed, "0fffff", token)).toBe(false);
  });

  test("rejects base64 that is not a JSON array even when its hash meets the difficulty", () => {
    // Only the shape check can reject such an answer.
    const object = [...Array(64).keys()].map((n) => Buffer.from(JSON.stringify({ n })).toString("base64")).find((b64) => hashOf(b64).slice(0, 1) <= "7");
    expect(object === undefined ? "none found" : verifyProofOfWork(VECTOR_SEED, "7", `gAAAAAB${object}`)).toBe(false);
  });

  test("rejects a difficulty that is not hex", () => {
    expect(verifyProofOfWork(VECTOR_SEED, "zzzzzz", solved)).toBe(false);
  });
});

describe("verifyProofOfWork with the 2026 hash", () => {
  const fnv = solveProofOfWork("0.8118613382182117", "06e1cc", VECTOR_CONFIG_2026, { hash: "fnv" }).token;

  test("accepts an FNV answer (with ~S) and refuses it as a SHA3 one, and a SHA3 answer as an FNV one", () => {
    const sha3 = solveProofOfWork("0.8118613382182117", "06e1cc", VECTOR_CONFIG_2026).token;
    expect([verifyProofOfWork("0.8118613382182117", "06e1cc", fnv, "fnv"), verifyProofOfWork("0.8118613382182117", "06e1cc", sha3, "fnv")]).toEqual([true, false]);
  });

  test.each([
    ["without its ~S", fnv.slice(0, -2)],
    ["for another seed", fnv.replace("~S", "") + "~S"],
    ["the 2026 failure token", failureToken("0.8118613382182117", "fnv")],
  ])("refuses it %s", (name, token) => {
    expect(verifyProofOfWork(name === "for another seed" ? "0.1" : "0.8118613382182117", "06e1cc", token, "fnv")).toBe(false);
  });
});
