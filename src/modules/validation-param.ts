/**
 * @module Explains a body validation error in OpenAI's style: `param` names the field (`messages[0].content[1].text`)
 * and the message says what was expected, in words a client author understands ("boolean or null"), not TypeBox's.
 *
 * TypeBox reports a value that fits no member of a union at the union itself ("Expected union value" at
 * `messages[0]`). Where the union's members are told apart by a literal property (`role`, `type`) or by the JSON
 * type of the value, the explanation follows the member the client meant, so it names the field actually wrong.
 */
import { InvalidRequestError } from "../errors.ts";

/** TypeBox reports JSON-Pointer paths (`/messages/0/role`); clients expect `messages[0].role`. */
export function pointerToParam(pointer: string): string | null {
  const segments = pointer.split("/").slice(1).map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments.length === 0 || (segments.length === 1 && segments[0] === "")) return null;
  return segments.reduce((param, segment) => (/^\d+$/.test(segment) ? `${param}[${segment}]` : param ? `${param}.${segment}` : segment), "");
}

interface SchemaLike {
  [keyword: string]: unknown;
  anyOf?: SchemaLike[];
  const?: unknown;
  type?: string;
  properties?: Record<string, SchemaLike>;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  multipleOf?: number;
  format?: string;
  title?: string;
}

/**
 * How Elysia takes a number in a query string: a union of the number and a string of format "numeric" (or
 * "integer"). Its string member says nothing a client needs: "limit=abc" should hear "number from 1 to 1000".
 */
function isNumericString(schema: SchemaLike | undefined): boolean {
  return schema?.type === "string" && (schema.format === "numeric" || schema.format === "integer");
}

/** The parts of TypeBox's `ValueError` read here; `errors` holds one iterator per union member. */
export interface ValueErrorLike {
  path: string;
  schema?: SchemaLike;
  value?: unknown;
  errors?: ReadonlyArray<Iterable<ValueErrorLike>>;
}

/** "boolean or null", "one of \"system\", \"user\"", "number from 0 to 2". */
export function describeSchema(schema: SchemaLike | undefined): string {
  if (!schema) return "a valid value";
  if (schema.anyOf) {
    const hasNumber = schema.anyOf.some((s) => s.type === "number" || s.type === "integer");
    const members = hasNumber ? schema.anyOf.filter((s) => !isNumericString(s)) : schema.anyOf;
    const literals = members.filter((s) => s.const !== undefined).map((s) => JSON.stringify(s.const));
    const others = members.filter((s) => s.const === undefined).map(describeSchema);
    const parts = [...(literals.length > 0 ? [literals.length > 1 ? `one of ${literals.join(", ")}` : (literals[0] as string)] : []), ...others];
    return [...new Set(parts)].join(" or ");
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const bounds: string[] = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined) bounds.push(`from ${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  else if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  if (schema.minItems) bounds.push(`with at least ${schema.minItems} item${schema.minItems > 1 ? "s" : ""}`);
  if (schema.minLength) bounds.push("non-empty");
  const type =
    schema.type === "object" ? "an object" : schema.type === "array" ? "an array" : schema.type === "number" && schema.multipleOf === 1 ? "integer" : (schema.type ?? "a valid value");
  return bounds.length > 0 ? `${type} ${bounds.join(" ")}` : type;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a value's JSON type is one the member could hold (its constraints aside). */
function typeFits(schema: SchemaLike, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((member) => typeFits(member, value));
  if (schema.const !== undefined) return typeof schema.const === typeof value;
  switch (schema.type) {
    case "object":
      return isPlainObject(value);
    case "array":
      return Array.isArray(value);
    case "null":
      return value === null;
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "string":
    case "boolean":
      return typeof value === schema.type;
    default:
      return true;
  }
}

/** A property every member pins to a literal (`role`, `type`): the one that tells the members apart. */
function discriminatorOf(members: readonly SchemaLike[]): string | null {
  const [first, ...rest] = members;
  for (const [key, property] of Object.entries(first?.properties ?? {})) {
    if (property.const !== undefined && rest.every((member) => member.properties?.[key]?.const !== undefined)) return key;
  }
  return null;
}

type Choice = { member: number } | { wrong: ValueErrorLike } | null;

function chooseMember(error: ValueErrorLike, members: readonly SchemaLike[]): Choice {
  const fitting = members.flatMap((member, index) => (typeFits(member, error.value) ? [index] : []));
  if (fitting.length === 1) return { member: fitting[0] as number };
  if (fitting.length === 0 || !isPlainObject(error.value)) return null;
  const candidates = fitting.map((index) => members[index] as SchemaLike);
  const key = discriminatorOf(candidates);
  if (key === null) return null;
  const given = error.value[key];
  const matching = fitting.filter((index) => members[index]?.properties?.[key]?.const === given);
  if (matching.length === 1) return { member: matching[0] as number };
  // the discriminator itself is wrong or missing: that is the field to name
  const literals = candidates.map((member) => ({ const: member.properties?.[key]?.const }));
  return { wrong: { path: `${error.path}/${key}`, schema: { anyOf: literals }, value: given } };
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * The error to explain among an object's: TypeBox lists missing fields first, but when a literal beside the missing
 * field is wrong too (`{"type": "image_url"}` where only text parts may go), the literal is what the client got wrong.
 */
export function firstError(errors: Iterable<ValueErrorLike>): ValueErrorLike | undefined {
  let first: ValueErrorLike | undefined;
  let seen = 0;
  for (const error of errors) {
    if (!first) {
      first = error;
      if (error.value !== undefined) return first;
    } else if (parentOf(error.path) === parentOf(first.path) && error.schema?.const !== undefined) {
      return error;
    }
    // the siblings come right after; never walk a long list of errors
    if (++seen > 16) break;
  }
  return first;
}

/** Follows union errors into the member the client meant, down to the innermost wrong field. */
export function innermostError(error: ValueErrorLike): ValueErrorLike {
  let current = error;
  // bounded: a schema's depth, never the body's
  for (let depth = 0; depth < 64; depth++) {
    const members = current.schema?.anyOf;
    if (!members || !current.errors) return current;
    const choice = chooseMember(current, members);
    if (choice === null) return current;
    if ("wrong" in choice) return choice.wrong;
    // the union's number is what the client meant, not its string form
    if (isNumericString(members[choice.member])) return current;
    const memberErrors = current.errors[choice.member];
    const inner = memberErrors ? firstError(memberErrors) : undefined;
    if (!inner) return current;
    current = inner;
  }
  return current;
}

export interface ValidationExplanation {
  param: string | null;
  message: string;
  code: "missing_required_parameter" | "invalid_type";
}

export function explainValueError(valueError: ValueErrorLike | undefined): ValidationExplanation {
  if (!valueError || typeof valueError.path !== "string") return { param: null, message: "Invalid request body.", code: "invalid_type" };
  const error = innermostError(valueError);
  // a value checked on its own, not as a field: a query's number, judged as Elysia converts it, named by its title
  // (body-types.ts, queryObject)
  const standalone = error.schema?.type !== undefined && error.schema.type !== "object";
  const param = pointerToParam(error.path) ?? (standalone && typeof error.schema?.title === "string" ? error.schema.title : null);
  if (!param) {
    if (standalone) {
      return { param: null, message: `Invalid value ${JSON.stringify(error.value)?.slice(0, 100)}: expected ${describeSchema(error.schema)}.`, code: "invalid_type" };
    }
    return { param: null, message: "The request body must be a JSON object.", code: "invalid_type" };
  }
  if (error.value === undefined) {
    return { param, message: `Missing required parameter: '${param}'.`, code: "missing_required_parameter" };
  }
  return { param, message: `Invalid value for '${param}': expected ${describeSchema(error.schema)}.`, code: "invalid_type" };
}

/** An Elysia VALIDATION error (its `valueError` is TypeBox's first error) → its explanation. */
export function explainValidation(error: unknown): ValidationExplanation {
  return explainValueError((error as { valueError?: ValueErrorLike } | null)?.valueError);
}

/** The OpenAI 400 for a body that failed its schema. */
export function validationError(explanation: ValidationExplanation): InvalidRequestError {
  return new InvalidRequestError(explanation.message, { param: explanation.param, code: explanation.code });
}
