/** @module Reading exp and plan from access tokens. */
import { expect, test } from "bun:test";
import { fakeJwt } from "../../../../test/pool/fixtures.ts";
import { readJwtClaims } from "./read-jwt-claims.ts";

test.each([
  ["exp and plan", fakeJwt({ expMs: 1_800_000_000_000, plan: "plus" }), { expiresAtMs: 1_800_000_000_000, plan: "plus" }],
  ["no exp, no plan", fakeJwt({ expMs: null }), { expiresAtMs: null, plan: null }],
  ["not a JWT", "fk-sharetoken", { expiresAtMs: null, plan: null }],
  ["garbage payload", "eyJa.%%%.sig", { expiresAtMs: null, plan: null }],
])("%s", (_name, token, expected) => {
  expect(readJwtClaims(token)).toEqual(expected);
});
