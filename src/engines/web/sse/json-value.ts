/** @module JSON values as the SSE decoders hold them: parsed once, frozen, never mutated in place. */

export type JsonValue = null | boolean | number | string | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];
export type JsonObject = { readonly [key: string]: JsonValue };

/** Parses one SSE `data` payload; `undefined` for anything that is not JSON (the decoders never throw). */
export function parseJson(text: string): JsonValue | undefined {
  try {
    // JSON.parse only ever produces JSON values, so this is the one place the type is asserted.
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isJsonArray(value: JsonValue | undefined): value is JsonArray {
  return Array.isArray(value);
}

/**
 * Freezes a freshly parsed value and everything under it. A frozen container is assumed to be frozen all the way
 * down (everything the delta decoder builds keeps that invariant), so shared subtrees are not walked twice.
 */
export function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
