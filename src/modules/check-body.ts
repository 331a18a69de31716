/**
 * @module Checks a request body against its TypeBox schema in the route's `transform`, before Elysia's normalizer
 * sees it. The normalizer (exact-mirror) runs before Elysia's own check and reshapes a wrongly typed value into what
 * the schema wants (`"stream_options": "x"` became `{"0": "x"}`), so such bodies used to pass and reach the upstream.
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
