import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { VECTOR_CONFIG, VECTOR_SEED } from "./__fixtures__/vector-config.ts";
import { VECTOR_CONFIG_2026 } from "./__fixtures__/vector-config-2026.ts";
import { createAnswerText } from "./answer-text.ts";
import type { PowConfig } from "./config.ts";
import { fnvHex } from "./fnv.ts";
import { createProofSearch, type PowHash } from "./proof-search.ts";

/** The plain §4.3 / §3.4 steps: copy the config, set the two slots, JSON, base64. */
const plainEncoded = (config: PowConfig, first: number, second: number): string => {
  const slots: unknown[] = [...config];
  slots[3] = first;
  slots[9] = second;
  return Buffer.from(JSON.stringify(slots)).toString("base64");
};
const plainHash: Record<PowHash, (text: string) => string> = {
  sha3: (text) => createHash("sha3-512").update(text).digest("hex"),
  fnv: fnvHex,
};

/** Many nonces: a dense low run, every digit-count change of both slots, and a fixed pseudo-random spread. */
const nonces = (() => {
  const list = Array.from({ length: 1200 }, (_, n) => n);
  for (let p = 10; p <= 1e9; p *= 10) list.push(p - 1, p, p + 1, 2 * p - 1, 2 * p, 2 * p + 1);
  let x = 12345;
  for (let i = 0; i < 800; i++) list.push((x = (Math.imul(x, 1103515245) + 12345) >>> 1) % 5_000_000);
  return list;
})();

describe("the patched buffer equals a fresh encoding", () => {
  test.each([
    ["2024 config, slot 9 = nonce >> 1", VECTOR_CONFIG, (n: number) => Math.floor(n / 2)],
    ["2026 config, slot 9 = elapsed ms", VECTOR_CONFIG_2026, (n: number) => (n * 7) % 100_003],
  ] as const)("%s: some 2 900 nonces through one buffer", (_, config, second) => {
    const text = createAnswerText(new TextEncoder().encode(VECTOR_SEED), config);
    const prefixText = new TextDecoder().decode(text.prefix);
    for (const n of nonces) {
      const rest = Buffer.from(text.place(n, second(n))).toString("latin1");
      const plain = plainEncoded(config, n, second(n));
      if (text.encoded() !== plain || prefixText + rest !== VECTOR_SEED + plain) throw new Error(`nonce ${n} differs`);
    }
    expect(nonces.length).toBeGreaterThan(2000);
  });

  test("texts over one config (a handshake's two solves) share its template but never each other's digits", () => {
    const a = createAnswerText(new TextEncoder().encode("seed-a"), VECTOR_CONFIG);
    const b = createAnswerText(new TextEncoder().encode("seed-bb"), VECTOR_CONFIG);
    // one digit each: both texts are still on the template's layout, where shared buffers would show
    a.place(7, 3);
    b.place(5, 2);
    expect(a.encoded()).toBe(plainEncoded(VECTOR_CONFIG, 7, 3));
    expect(b.encoded()).toBe(plainEncoded(VECTOR_CONFIG, 5, 2));
    expect(new TextDecoder().decode(b.prefix).startsWith("seed-bb")).toBe(true);
    const c = createAnswerText(new TextEncoder().encode("s"), VECTOR_CONFIG);
    c.place(9, 4);
    expect(a.encoded()).toBe(plainEncoded(VECTOR_CONFIG, 7, 3));
    expect(c.encoded()).toBe(plainEncoded(VECTOR_CONFIG, 9, 4));
  });

  test("non-ASCII items and every padding length", () => {
    for (const ua of ["", "é", "éé", "中文字", "a"]) {
      const config = VECTOR_CONFIG.map((v, i) => (i === 4 ? ua : v)) as unknown as PowConfig;
      const text = createAnswerText(new TextEncoder().encode("s"), config);
      for (const n of [0, 7, 99, 1000, 123456]) {
        text.place(n, n + 3);
        expect(text.encoded()).toBe(plainEncoded(config, n, n + 3));
      }
    }
  });
});

describe("both searches accept exactly the nonces the plain algorithm accepts, with the same tokens", () => {
  test.each([
    ["sha3", VECTOR_CONFIG, "1f", 400, ""],
    ["fnv", VECTOR_CONFIG_2026, "1f", 3000, "~S"],
  ] as const)("%s: difficulty 1f over the first few thousand nonces", (hash, config, difficulty, count, suffix) => {
    // FNV's slot 9 is the elapsed time: a clock that stands still holds it at 0.
    const slot9 = (n: number) => (hash === "sha3" ? Math.floor(n / 2) : 0);
    const plain = Array.from({ length: count }, (_, n) => n)
      .filter((n) => plainHash[hash](VECTOR_SEED + plainEncoded(config, n, slot9(n))).slice(0, difficulty.length) <= difficulty)
      .map((n) => ({ nonce: n, token: `gAAAAAB${plainEncoded(config, n, slot9(n))}${suffix}` }));
    const search = createProofSearch(hash, VECTOR_SEED, difficulty, config, { startedAt: 0, now: () => 0 });
    const found: { nonce: number; token: string }[] = [];
    for (let start = 0; start < count; ) {
      const result = search.search(start, 1, count - start);
      if (result.found === null) break;
      found.push(result.found);
      start = result.found.nonce + 1;
    }
    expect(found.length).toBeGreaterThan(5);
    expect(found).toEqual(plain);
  });
});
