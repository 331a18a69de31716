/**
 * @module Checks a request body against its TypeBox schema in the route's `transform`, and documents it, without
 * handing the schema to Elysia. Elysia would check the body a second time after ours, behind its normalizer
 * (exact-mirror), which reshapes a wrongly typed value into what the schema wants (`"stream_options": "x"` became
 * `{"0": "x"}`, so such bodies used to pass) — and it compiles a validator and a normalizer of its own for each route
 * on the route's first request: for the chat route alone 1.7 MiB of an idle server's memory (bench/RESULTS.md,
 * fifteenth session), and a second pass over every body.
 */
import type { TSchema } from "elysia";
import { TypeCompiler } from "elysia/type-system";
import { explainValueError, firstError, validationError } from "./validation-param.ts";

/** Throws the OpenAI 400 naming the first wrong field; compiled once per schema, on its first body. */
export function bodyCheck(schema: TSchema): (body: unknown) => void {
  // compiling every route's schema at start cost the binary ~15 ms before it could answer (issue 12)
  let compiled: ReturnType<typeof TypeCompiler.Compile<TSchema>> | undefined;
  return (body) => {
    compiled ??= TypeCompiler.Compile(schema);
    if (compiled.Check(body)) return;
    throw validationError(explainValueError(firstError(compiled.Errors(body))));
  };
}

/** The route's `detail.requestBody`: what the OpenAPI document shows of a JSON body that `bodyCheck(schema)` checks. */
export function jsonRequestBody(schema: TSchema) {
  return { required: true, content: { "application/json": { schema } } };
}
