/**
 * @module Checks a request body against its TypeBox schema in the route's `transform`, without handing the schema to
 * Elysia (openapi-detail.ts documents it). Elysia would check the body a second time after ours, behind its normalizer
 * (exact-mirror), which reshapes a wrongly typed value into what the schema wants (`"stream_options": "x"` became
 * `{"0": "x"}`, so such bodies used to pass) — and it compiles a validator and a normalizer of its own for each route
 * on the route's first request: for the chat route alone 1.7 MiB of an idle server's memory (bench/RESULTS.md,
 * fifteenth session), and a second pass over every body.
 */
import { Value } from "@sinclair/typebox/value";
import type { TSchema } from "elysia";
import { explainValueError, firstError, validationError } from "./validation-param.ts";

/**
 * Throws the OpenAI 400 naming the first wrong field. TypeBox's interpreter, not its compiler: a compiled check is
 * JavaScript made at run time, whose source and code stay in memory (test/e2e/generated-code.test.ts); the interpreter
 * takes 1–2 µs a chat body (bench/RESULTS.md, sixteenth session).
 */
export function bodyCheck(schema: TSchema): (body: unknown) => void {
  return (body) => {
    if (Value.Check(schema, body)) return;
    throw validationError(explainValueError(firstError(Value.Errors(schema, body))));
  };
}
