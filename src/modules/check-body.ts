/**
 * @module Checks a request body against its TypeBox schema in the route's `transform`, before Elysia's normalizer
 * sees it. The normalizer (exact-mirror) runs before Elysia's own check and reshapes a wrongly typed value into what
 * the schema wants (`"stream_options": "x"` became `{"0": "x"}`), so such bodies used to pass and reach the upstream.
 */
import type { TSchema } from "elysia";
import { TypeCompiler } from "elysia/type-system";
import { explainValueError, firstError, validationError } from "./validation-param.ts";

/** Throws the OpenAI 400 naming the first wrong field; compiled once per schema. */
export function bodyCheck(schema: TSchema): (body: unknown) => void {
  const compiled = TypeCompiler.Compile(schema);
  return (body) => {
    if (compiled.Check(body)) return;
    throw validationError(explainValueError(firstError(compiled.Errors(body))));
  };
}
