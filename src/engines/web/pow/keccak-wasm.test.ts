import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createPrefixedSha3 } from "./keccak-wasm.ts";

const bytes = (length: number, salt: number) => Uint8Array.from({ length }, (_, i) => (i * 131 + salt * 7 + 11) & 255);
const sha3 = (...parts: Uint8Array[]) => createHash("sha3-512").update(Buffer.concat(parts)).digest("hex");
const hex = (digest: Uint8Array) => Buffer.from(digest).toString("hex");

describe("SHA3-512 over the WebAssembly Keccak", () => {
  test("equals node:crypto for every prefix and rest length around the 72-byte block edges", () => {
    const lengths = [0, 1, 70, 71, 72, 73, 143, 144, 145, 200, 582, 1000];
    const mismatches: string[] = [];
    // A prefix larger than the module's input area is absorbed in several fills.
    for (const prefixLength of [...lengths, 70_000]) {
      const prefix = bytes(prefixLength, 1);
      const hasher = createPrefixedSha3(prefix);
      for (const restLength of lengths) {
        const rest = bytes(restLength, restLength);
        if (hex(hasher.digest(rest)) !== sha3(prefix, rest)) mismatches.push(`${prefixLength}+${restLength}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test("a rest larger than the input area is refused, not overrun", () => {
    expect(() => createPrefixedSha3(new Uint8Array(0)).digest(new Uint8Array(70_000))).toThrow(RangeError);
  });

  test("two hashers used in turn on one thread do not disturb each other", () => {
    const [a, b] = [createPrefixedSha3(bytes(130, 2)), createPrefixedSha3(bytes(20, 3))];
    const rest = bytes(500, 4);
    const results = [a, b, a, b].map((hasher) => hex(hasher.digest(rest)));
    expect(results).toEqual([sha3(bytes(130, 2), rest), sha3(bytes(20, 3), rest), sha3(bytes(130, 2), rest), sha3(bytes(20, 3), rest)]);
  });

  test("digestChanged copies only the changed ranges while the memory holds its input, and everything otherwise", () => {
    const [prefixA, prefixB] = [bytes(118, 5), bytes(46, 6)];
    const [a, b] = [createPrefixedSha3(prefixA), createPrefixedSha3(prefixB)];
    const [restA, restB] = [bytes(464, 7), bytes(464, 8)];
    const changed = [3, 9, 300, 310] as const;
    const results: [string, string][] = [];
    for (let step = 0; step < 6; step++) {
      for (const at of [changed[0], changed[2] + 4]) restA[at] = (restA[at] as number) + 1;
      results.push([hex(a.digestChanged(restA, changed)), sha3(prefixA, restA)]);
      // another hasher (another search on this thread) in between, every other step
      if (step % 2 === 1) results.push([hex(b.digestChanged(restB, changed)), sha3(prefixB, restB)]);
    }
    // a different array of the same hasher is copied whole
    const other = bytes(464, 9);
    results.push([hex(a.digestChanged(other, changed)), sha3(prefixA, other)]);
    expect(results.filter(([ours, theirs]) => ours !== theirs)).toEqual([]);
    expect(results).toHaveLength(10);
  });

  test("the FIPS 202 example: SHA3-512 of the empty string", () => {
    expect(hex(createPrefixedSha3(new Uint8Array(0)).digest(new Uint8Array(0)))).toBe(
      "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26",
    );
  });
});
