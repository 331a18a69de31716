/** @module The Codex backend's two error envelopes (codex.md §2.3): gateway `{"detail"}` and model-level OpenAI errors. */
import { HttpError, json } from "../http.ts";

/** OpenAI's `{"error":{message,type,param,code}}`, used by model-level validation. */
export function openaiError(status: number, message: string, param: string | null, code: string | null, type = "invalid_request_error"): HttpError {
  return new HttpError(json(status, { error: { message, type, param, code } }), `${status} ${message}`);
}

export function unsupportedValue(param: string, value: string, model: string, supported: readonly string[]): HttpError {
  const list = supported.map((s) => `'${s}'`);
  const spoken = list.length > 1 ? `${list.slice(0, -1).join(", ")}, and ${list.at(-1)}` : (list[0] ?? "none");
  return openaiError(400, `Unsupported value: '${value}' is not supported with the '${model}' model. Supported values are: ${spoken}.`, param, "unsupported_value");
}

export function invalidValue(param: string, message: string): HttpError {
  return openaiError(400, message, param, "invalid_value");
}

export function missingParameter(param: string): HttpError {
  return openaiError(400, `Missing required parameter: '${param}'.`, param, "missing_required_parameter");
}
