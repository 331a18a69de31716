/**
 * @module Explains a body validation error in OpenAI's style: `param` names the field (`messages[0].role`) and the
 * message says what was expected, in words a client author understands ("boolean or null"), not TypeBox's.
 */

/** TypeBox reports JSON-Pointer paths (`/messages/0/role`); clients expect `messages[0].role`. */
export function pointerToParam(pointer: string): string | null {
  const segments = pointer.split("/").slice(1).map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments.length === 0 || (segments.length === 1 && segments[0] === "")) return null;
  return segments.reduce((param, segment) => (/^\d+$/.test(segment) ? `${param}[${segment}]` : param ? `${param}.${segment}` : segment), "");
}

interface SchemaLike {
  anyOf?: SchemaLike[];
  const?: unknown;
  type?: string;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
}

/** "boolean or null", "one of \"system\", \"user\"", "integer ≤ 1". */
export function describeSchema(schema: SchemaLike | undefined): string {
  if (!schema) return "a valid value";
  if (schema.anyOf) {
    const literals = schema.anyOf.filter((s) => s.const !== undefined).map((s) => JSON.stringify(s.const));
    const others = schema.anyOf.filter((s) => s.const === undefined).map(describeSchema);
    const parts = [...(literals.length > 0 ? [literals.length > 1 ? `one of ${literals.join(", ")}` : (literals[0] as string)] : []), ...others];
    return [...new Set(parts)].join(" or ");
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  if (schema.minItems) bounds.push(`with at least ${schema.minItems} item${schema.minItems > 1 ? "s" : ""}`);
  if (schema.minLength) bounds.push("non-empty");
  const type = schema.type === "object" ? "an object" : schema.type === "array" ? "an array" : (schema.type ?? "a valid value");
  return bounds.length > 0 ? `${type} ${bounds.join(" ")}` : type;
}

export interface ValidationExplanation {
  param: string | null;
  message: string;
}

export function explainValidation(error: unknown): ValidationExplanation {
  const valueError = (error as { valueError?: { path?: unknown; schema?: SchemaLike; value?: unknown; message?: string } } | null)?.valueError;
  if (!valueError || typeof valueError.path !== "string") return { param: null, message: "Invalid request body." };
  const param = pointerToParam(valueError.path);
  if (!param) return { param: null, message: "The request body must be a JSON object." };
  if (valueError.value === undefined) {
    return { param, message: `Missing required parameter: '${param}'.` };
  }
  return { param, message: `Invalid value for '${param}': expected ${describeSchema(valueError.schema)}.` };
}
