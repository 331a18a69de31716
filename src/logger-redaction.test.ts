/** @module The logger's redaction sees through percent-encoding: a token written with `%2E`/`%5F` is still a token. */
import { expect, test } from "bun:test";
import { redactText } from "./logger.ts";

test.each([
  ["/tokens/add/rt%5FAbcdefghijklmnop%2Eqrs", "/tokens/add/[redacted]"],
  ["GET /x/eyJhbGciOiJSUzI1NiJ9%2EeyJzdWIiOiJ4In0%2Esig", "GET /x/[redacted]"],
  ["no secret here: 100%25 sure", "no secret here: 100%25 sure"],
])("%p → %p", (text, shown) => {
  expect(redactText(text)).toBe(shown);
});

test("a session token (a five-part JWE with an empty key part) is redacted whole", () => {
  const session = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtc2VlZA.Y2lwaGVydGV4dC1ieXRlcw.dGFnLXNlZWQ";
  expect(redactText(`cookie __Secure-next-auth.session-token=${session}; x`)).toBe("cookie __Secure-next-auth.session-token=[redacted]; x");
});
