/**
 * @module The JSON Schema check behind `response_format: json_schema` (check-reply.ts): Ajv with the string formats,
 * the draft following the schema's `$schema` (2020-12, 2019-09, else draft-07). Its own module so that Ajv loads
 * only with the first such request: most clients never send one, and Ajv's modules are some 150 KB of code to
 * load and keep (issue 12).
 */
import { Ajv, type AnySchema, type ErrorObject } from "ajv";
import { Ajv2019 } from "ajv/dist/2019";
import { Ajv2020 } from "ajv/dist/2020";
import { default as addFormats } from "ajv-formats";
import { InvalidInputError } from "../translate-errors.ts";

/** What is wrong with a value (`$/city must be string; …`), or null when it matches. */
export type SchemaMismatch = (value: unknown) => string | null;

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

/** Compiles `schema`; throws InvalidInputError naming `schemaParam` when it cannot be compiled. */
export function compileSchema(schema: Record<string, unknown>, schemaParam: string): SchemaMismatch {
  const draft = draftOf(schema);
  // a draft Ajv does not have (draft-04, draft-06) is read as draft-07, its nearest
  const { $schema: _declared, ...undeclared } = schema;
  const source = draft === null ? undeclared : schema;
  const ajv = ajvFor(draft ?? "draft-07");
  let validate: ReturnType<Ajv["compile"]>;
  try {
    validate = ajv.compile(source as AnySchema);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`Invalid schema for response_format '${schemaParam}': ${detail}`, { param: schemaParam, code: "invalid_json_schema" });
  } finally {
    // Ajv keeps every schema it compiled, keyed by the object: one per request would never be let go
    ajv.removeSchema(source as AnySchema);
  }
  return (value) => (validate(value) ? null : describeErrors(validate.errors));
}
