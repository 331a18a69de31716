import { createHash } from "node:crypto";
import { expect, test } from "bun:test";
import { secretDigest } from "./token-kind.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

test("a secret's digest is its SHA-256, asked once or again, after more secrets than are remembered", () => {
  const token = `eyJ${"a".repeat(1500)}.payload.signature`;
  expect(secretDigest(token)).toBe(sha256(token));
  expect(secretDigest(token)).toBe(sha256(token));
  const many = Array.from({ length: 600 }, (_, i) => `secret-${i}`);
  for (const secret of many) expect(secretDigest(secret)).toBe(sha256(secret));
  // the first ones were forgotten and are hashed again, to the same digests
  for (const secret of many.slice(0, 10)) expect(secretDigest(secret)).toBe(sha256(secret));
  expect(secretDigest(token)).toBe(sha256(token));
});
