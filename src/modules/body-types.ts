/** @module TypeBox building blocks the models share (request bodies, and the model list's reply). */
import type { TObject, TProperties } from "@sinclair/typebox";
import { t, type TSchema } from "elysia";

/** Objects stay open to fields a newer version of the spec adds. */
export const open = { additionalProperties: true } as const;

/** Optional, and `null` allowed too: SDKs send `null` for parameters a caller left unset. */
export const nullable = <T extends TSchema>(schema: T) => t.Optional(t.Union([schema, t.Null()]));

/**
 * A whole number sent as a JSON number. Elysia's `t.Integer` also takes numeric strings (for query strings) and then
 * ignores its bounds, so `"n": "3"` would pass a maximum of 1.
 */
export const integer = (options: { minimum?: number; maximum?: number; description?: string } = {}) => t.Number({ ...options, multipleOf: 1 });

/**
 * A query string's schema. Elysia converts each number in a query on its own and, when one is refused
 * (`limit=2.5`), reports that property's schema and value with no name; each property's `title` is its name, so the
 * 400 can say which parameter it was (validation-param.ts).
 */
export function queryObject<P extends TProperties>(properties: P): TObject<P> {
  const titled = Object.fromEntries(Object.entries(properties).map(([name, schema]: [string, TSchema]) => [name, { ...schema, title: name }]));
  return t.Object(titled as P);
}
