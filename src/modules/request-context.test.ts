/** @module The request log's name for a client key: a short hash, never the key's characters. */
import { expect, test } from "bun:test";
import { clientKeyLabel } from "./request-context.ts";

test("a key is logged as key: + 8 hex of its SHA-256, sharing no run of 4 characters with the key", () => {
  const key = "sk-pool-e2e-0123456789abcdef";
  const label = clientKeyLabel(key);
  expect(label).toBe(`key:${new Bun.CryptoHasher("sha256").update(key).digest("hex").slice(0, 8)}`);
  const runs = Array.from({ length: key.length - 3 }, (_, i) => key.slice(i, i + 4));
  expect(runs.filter((run) => label.includes(run))).toEqual([]);
});

test("a workspace suffix does not change the label; another key does", () => {
  expect(clientKeyLabel("sk-one,team-1")).toBe(clientKeyLabel("sk-one"));
  expect(clientKeyLabel("sk-two")).not.toBe(clientKeyLabel("sk-one"));
});
