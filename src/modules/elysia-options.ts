/**
 * @module The options every Elysia instance of chat2api's app is built with: none of them makes JavaScript at run
 * time.
 *
 * By default Elysia composes each route's handler, its router and its error handler as source text on first use,
 * compiles a validator for each schema it is given (TypeBox's compiler), and a cleaner for each (exact-mirror).
 * JavaScriptCore parses and compiles all of that, and keeps it. The rest of chat2api comes compiled in the binary
 * (`--bytecode`). So routes run through Elysia's dynamic handler, schemas are checked and cleaned by TypeBox's
 * interpreter (check-body.ts checks the API's bodies the same way), and no Elysia type that compiles itself when
 * built (`t.Numeric`, `t.Integer`) is used (Elysia's coercion of a query's numbers still builds one, when a management
 * route with such a query is first asked: the API's routes take none). The dynamic handler alone took an idle server
 * from 60.9 to 60.1 MiB after a burst of chats, at no measurable CPU a chat (bench/RESULTS.md, sixteenth session).
 * test/e2e/generated-code.test.ts fails when something on the way to a chat makes code again.
 *
 * The dynamic handler is a request path of its own, and app.ts meets it where it differs from the composed one: it
 * hands hooks no `server` (app.ts gives it), ignores `parse: "none"` (the gateway's parser returns a stand-in),
 * runs no parser for a body without a content type and reads the body again after a parser's null (app.ts's
 * `settleBody`), runs no `mapResponse` hook on a reply (the key gate wraps streams in `onAfterHandle`), and runs the
 * after-response hooks of a reply made in `onRequest` (the access log writes once).
 */
export const elysiaOptions = {
  /** Routes run through Elysia's dynamic handler instead of functions composed for each. */
  aot: false,
  /** Responses and management bodies are cleaned of undeclared fields by TypeBox's `Value.Clean`, not a compiled mirror. */
  normalize: "typebox",
} as const;
