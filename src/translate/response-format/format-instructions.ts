/**
 * @module The instruction text that asks the web model for JSON (tool-calls.md §5): one JSON object and no prose for
 * `json_object`; for `json_schema` the schema itself, which the reply must satisfy. Null for plain text. A retry
 * after an invalid reply adds {@link retryInstructions}, which quotes what was wrong.
 */
import type { ReplyCheckFailure } from "./check-reply.ts";
import type { ResponseFormat } from "./read-response-format.ts";

const NO_PROSE = "Reply with the JSON only: no text before or after it, no code fence, no comments.";

export function responseFormatInstructions(format: ResponseFormat): string | null {
  switch (format.type) {
    case "text":
      return null;
    case "json_object":
      return ["# Response format", "", "Your reply must be a single JSON object.", NO_PROSE].join("\n");
    case "json_schema": {
      const lines = ["# Response format", "", `Your reply must be a single JSON value (named "${format.name}") that is valid against this JSON Schema:`, JSON.stringify(format.schema)];
      if (format.description) lines.push(`What it is for: ${format.description}`);
      lines.push(NO_PROSE);
      return lines.join("\n");
    }
    default: {
      const _exhaustiveCheck: never = format;
      return _exhaustiveCheck;
    }
  }
}

/** For the one retry of a strict `json_schema` reply: what was wrong with the last one, and what to do. */
export function retryInstructions(failure: ReplyCheckFailure): string {
  return `Your previous reply was not valid: ${failure.reason}. Reply again with the corrected JSON only, valid against the schema.`;
}
