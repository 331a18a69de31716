/**
 * @module What the OpenAPI document shows of a route whose schemas Elysia is not given (`detail`): Elysia would
 * compile a validator and a normalizer for each at run time and run them on every request and reply, where the API
 * routes check their bodies themselves (check-body.ts) and make their replies from typed code.
 */
import type { TSchema } from "elysia";

/** `detail.requestBody`: a JSON body that `bodyCheck(schema)` checks. */
export function jsonRequestBody(schema: TSchema) {
  return { required: true, content: { "application/json": { schema } } };
}

/** `detail.responses`: the JSON a route answers with when it succeeds. */
export function jsonResponse(schema: TSchema, description: string) {
  return { 200: { description, content: { "application/json": { schema } } } };
}

/** `detail.parameters`: a path parameter, a string. */
export function pathParameter(name: string, description: string) {
  return { in: "path" as const, name, required: true, description, schema: { type: "string" as const } };
}
