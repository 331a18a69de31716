/**
 * @module Whether a finished reply is what `response_format` asked for (tool-calls.md §5): JSON (a Markdown fence
 * around it is stripped), an object for `json_object`, valid against the schema for `json_schema` (Ajv, with the
 * string formats; the draft follows the schema's `$schema`: 2020-12, 2019-09, else draft-07). The result is typed:
 * the JSON text and value, or what is wrong, in words fit to quote back to the model on a retry and to a client
 * in an error.
 */
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019";
import { Ajv2020 } from "ajv/dist/2020";
import { default as addFormats } from "ajv-formats";
import { InvalidInputError } from "../translate-errors.ts";
import type { ResponseFormat } from "./read-response-format.ts";

export interface ReplyCheckPass {
  ok: true;
  /** The reply's JSON text: fence and surrounding whitespace removed. */
  json: string;
  value: unknown;
}

export interface ReplyCheckFailure {
  ok: false;
  problem: "not-json" | "not-object" | "schema";
  /** What is wrong, e.g. `$/city must be string`. */
  reason: string;
}

export type ReplyCheck = ReplyCheckPass | ReplyCheckFailure;

export type ReplyChecker = (reply: string) => ReplyCheck;

export interface ReplyCheckerOptions {
  /** The field that holds the schema, named in the error for a schema that cannot be compiled. */
  schemaParam?: string;
}

type Draft = "draft-07" | "2019-09" | "2020-12";

const validators = new Map<Draft, Ajv>();

/** One Ajv per draft, made when first needed (each compiles its meta-schemas once). */
function ajvFor(draft: Draft): Ajv {
  let ajv = validators.get(draft);
  if (ajv) return ajv;
  // strict: false ignores keywords Ajv does not know (clients send `title`, `examples`, vendor keys);
  // addUsedSchema: false lets two requests compile schemas with the same `$id`
  const options = { strict: false, allErrors: true, addUsedSchema: false };
  ajv = draft === "2020-12" ? new Ajv2020(options) : draft === "2019-09" ? new Ajv2019(options) : new Ajv(options);
  addFormats(ajv);
  validators.set(draft, ajv);
  return ajv;
}

function draftOf(schema: Record<string, unknown>): Draft | null {
  const declared = schema.$schema;
  if (typeof declared !== "string") return "draft-07";
  if (declared.includes("2020-12")) return "2020-12";
  if (declared.includes("2019-09")) return "2019-09";
  return declared.includes("draft-07") ? "draft-07" : null;
}

const MAX_REASON = 600;

function describeError(error: ErrorObject): string {
  const where = `$${error.instancePath}`;
  const extra = error.keyword === "additionalProperties" ? ` ('${String(error.params.additionalProperty)}')` : "";
  return `${where} ${error.message ?? "is invalid"}${extra}`;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const text = (errors ?? []).slice(0, 5).map(describeError).join("; ");
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
}

function compile(schema: Record<string, unknown>, schemaParam: string): ValidateFunction {
  const draft = draftOf(schema);
  // a draft Ajv does not have (draft-04, draft-06) is read as draft-07, its nearest
  const { $schema: _declared, ...undeclared } = schema;
  const source = draft === null ? undeclared : schema;
  const ajv = ajvFor(draft ?? "draft-07");
  try {
    return ajv.compile(source as AnySchema);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`Invalid schema for response_format '${schemaParam}': ${detail}`, { param: schemaParam, code: "invalid_json_schema" });
  } finally {
    // Ajv keeps every schema it compiled, keyed by the object: one per request would never be let go
    ajv.removeSchema(source as AnySchema);
  }
}

const FENCED = /^```(?:[A-Za-z0-9_-]+[ \t]*\r?\n|\s*)([\s\S]*?)\s*```$/;

/** The reply without surrounding whitespace, and without a Markdown fence when it is one fenced block. */
export function stripFence(reply: string): string {
  const trimmed = reply.trim();
  const fenced = FENCED.exec(trimmed);
  return fenced ? (fenced[1] as string).trim() : trimmed;
}

function parseReply(reply: string): ReplyCheck {
  const json = stripFence(reply);
  try {
    return { ok: true, json, value: JSON.parse(json) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: "not-json", reason: `the reply is not JSON (${detail})` };
  }
}

/**
 * The check for `format`, compiled once (a reply and its retry are checked by the same one); null for `text`.
 * Throws InvalidInputError when the schema cannot be compiled (a 400 before anything is sent upstream).
 */
export function replyChecker(format: ResponseFormat, { schemaParam = "response_format.json_schema.schema" }: ReplyCheckerOptions = {}): ReplyChecker | null {
  switch (format.type) {
    case "text":
      return null;
    case "json_object":
      return (reply) => {
        const parsed = parseReply(reply);
        if (!parsed.ok) return parsed;
        const { value } = parsed;
        const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
        return isObject ? parsed : { ok: false, problem: "not-object", reason: "the reply is JSON but not an object" };
      };
    case "json_schema": {
      const validate = compile(format.schema, schemaParam);
      return (reply) => {
        const parsed = parseReply(reply);
        if (!parsed.ok || validate(parsed.value)) return parsed;
        return { ok: false, problem: "schema", reason: `the reply does not match the schema: ${describeErrors(validate.errors)}` };
      };
    }
    default: {
      const _exhaustiveCheck: never = format;
      return _exhaustiveCheck;
    }
  }
}
