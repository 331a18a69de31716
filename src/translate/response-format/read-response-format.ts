/**
 * @module A request's structured-output setting, from either endpoint (tool-calls.md §5): chat's
 * `response_format` (`{type:"json_schema", json_schema:{name, schema, strict}}`) and the Responses API's
 * `text.format` (the same fields, flat), as one {@link ResponseFormat}. A malformed one is an InvalidInputError
 * naming the field.
 */
import { InvalidInputError } from "../translate-errors.ts";

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      name: string;
      description: string | null;
      schema: Record<string, unknown>;
      /** Only a strict schema makes an invalid reply a retry, then an error; otherwise it is returned as it is. */
      strict: boolean;
    };

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): never {
  throw new InvalidInputError(message, { param, code: "invalid_value" });
}

function jsonSchema(fields: Fields, param: string): ResponseFormat {
  if (typeof fields.name !== "string" || fields.name === "") invalid(`${param}.name`, `Missing required parameter: '${param}.name'.`);
  // an absent schema allows any JSON, as OpenAI reads it
  const schema = fields.schema ?? {};
  if (!isRecord(schema)) invalid(`${param}.schema`, `Invalid value for '${param}.schema': expected a JSON Schema object.`);
  const description = typeof fields.description === "string" ? fields.description : null;
  return { type: "json_schema", name: fields.name, description, schema, strict: fields.strict === true };
}

function readFormat(raw: unknown, param: string, schemaFields: (format: Fields) => { fields: Fields; param: string }): ResponseFormat {
  if (raw === undefined || raw === null) return { type: "text" };
  if (!isRecord(raw)) return invalid(param, `Invalid value for '${param}': expected an object.`);
  switch (raw.type) {
    case "text":
    case "json_object":
      return { type: raw.type };
    case "json_schema": {
      const { fields, param: at } = schemaFields(raw);
      return jsonSchema(fields, at);
    }
    default:
      return invalid(`${param}.type`, `Invalid value for '${param}.type': expected 'text', 'json_object' or 'json_schema'.`);
  }
}

/** Chat Completions' `response_format`. */
export function chatResponseFormat(raw: unknown): ResponseFormat {
  return readFormat(raw, "response_format", (format) => {
    if (!isRecord(format.json_schema)) invalid("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.");
    return { fields: format.json_schema, param: "response_format.json_schema" };
  });
}

/** The Responses API's `text.format`. */
export function responsesTextFormat(raw: unknown): ResponseFormat {
  return readFormat(raw, "text.format", (format) => ({ fields: format, param: "text.format" }));
}
