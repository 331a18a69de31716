/**
 * @module The options every Elysia instance of chat2api's app is built with.
 *
 * Schemas are never compiled at run time on the way to a chat. Elysia's default normalizer (exact-mirror) compiles a
 * cleaning function from each response and management schema, source text that JavaScriptCore then parses and
 * compiles and keeps; TypeBox's `Value.Clean` cleans the same fields away, interpreted. With the API's bodies checked
 * by TypeBox's interpreter too (check-body.ts), the model routes' schemas given only to the OpenAPI document, and no
 * Elysia type that compiles itself when built (`t.Numeric`, `t.Integer`), the only code made at run time there is
 * Elysia's composition of each route's handler, its router and its error handler (test/e2e/generated-code.test.ts).
 * A management route's schemas are still compiled when it is first asked.
 *
 * That composition stays (`aot` is left on). Elysia's dynamic handler (`aot: false`) took an idle server from 60.9
 * to 60.1 MiB after a burst of chats, at no measurable CPU a chat, but 200 concurrent streams then peaked 5–8 MiB
 * higher (105–111 against 97–100 MiB), and it is another request path: it hands hooks no `server`, ignores
 * `parse: "none"`, runs no parser for a body without a content type and no `mapResponse` on a reply; 23 tests failed
 * until app.ts worked around each (bench/RESULTS.md, sixteenth session).
 */
export const elysiaOptions = {
  normalize: "typebox",
} as const;
