/**
 * @module Whether a finished reply is what `response_format` asked for (tool-calls.md §5): JSON (a Markdown fence
 * around it is stripped), an object for `json_object`, valid against the schema for `json_schema` (Ajv, in
 * schema-validator.ts, loaded with the first schema to check). The result is typed: the JSON text and value, or what
 * is wrong, in words fit to quote back to the model on a retry and to a client in an error.
 */
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
 * Rejects with InvalidInputError when the schema cannot be compiled (a 400 before anything is sent upstream).
 */
export async function replyChecker(format: ResponseFormat, { schemaParam = "response_format.json_schema.schema" }: ReplyCheckerOptions = {}): Promise<ReplyChecker | null> {
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
      const { compileSchema } = await import("./schema-validator.ts");
      const mismatch = compileSchema(format.schema, schemaParam);
      return (reply) => {
        const parsed = parseReply(reply);
        const reason = parsed.ok ? mismatch(parsed.value) : null;
        return reason === null ? parsed : { ok: false, problem: "schema", reason: `the reply does not match the schema: ${reason}` };
      };
    }
    default: {
      const _exhaustiveCheck: never = format;
      return _exhaustiveCheck;
    }
  }
}
