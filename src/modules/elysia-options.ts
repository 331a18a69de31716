/**
 * @module The options every Elysia instance of chat2api's app is built with.
 *
 * Schemas are never compiled at run time. Elysia's default normalizer (exact-mirror) compiles a cleaning function
 * from each response and management schema, source text that JavaScriptCore then parses and compiles; TypeBox's
 * `Value.Clean` cleans the same fields away, interpreted. With the body checks interpreted too (check-body.ts) and
 * no Elysia type that compiles itself when built (`t.Numeric`, `t.Integer`), the only code made at run time is
 * Elysia's composition of each route's handler, its router and its error handler
 * (test/e2e/generated-code.test.ts).
 *
 * That composition stays (`aot` is left on). Without it (`aot: false`) the server idled 0.6 MiB smaller after a burst
 * of chats, but Elysia's dynamic handler is another request path: it hands no `server` to hooks (the management
 * guard's loopback check), reads every body whose content type it knows before any hook (the gateway's streamed
 * bodies, our own body reader's 415 and 413), and 23 tests failed (bench/RESULTS.md, sixteenth session).
 */
export const elysiaOptions = {
  normalize: "typebox",
} as const;
