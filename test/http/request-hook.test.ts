/**
 * @module The server's per-request hook (`ServerDeps.onRequest`, how main.ts wakes its busy collection): told of every
 * request as it comes in, whatever becomes of it — answered, refused before a service, or a preflight.
 */
import { expect, test } from "bun:test";
import { post, startHarness } from "../e2e/harness.ts";

test("every request is told to the hook as it comes in, answered or refused", async () => {
  let told = 0;
  let pendingWhenTold: number[] = [];
  await using h = await startHarness({
    env: { MAX_BODY_SIZE: "1024" },
    onRequest: () => {
      told++;
      pendingWhenTold.push(h.server.pendingRequests());
    },
  });
  pendingWhenTold = [];
  expect((await h.fetch("/v1/models")).status).toBe(200);
  expect((await h.fetch("/v1/chat/completions", { method: "OPTIONS", headers: { origin: "http://example.test", "access-control-request-method": "POST" } })).status).toBe(204);
  expect((await h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(2048) }] }))).status).toBe(413);
  expect((await h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, "anonymous"))).status).toBe(200);
  expect(told).toBe(4);
  // told while the request is in flight, so a collector woken by it finds work to do
  expect(pendingWhenTold.every((pending) => pending >= 1)).toBe(true);
});
