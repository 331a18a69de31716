/**
 * @module The request body of `POST /backend-api/codex/responses` (§3), and what a converter returns: the body and
 * the caller's fields it left out, or a typed validation error naming the field (the edge makes it a 400).
 */

export type JsonObject = { [key: string]: unknown };

export type CodexContentPart =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail?: string }
  | { type: "output_text"; text: string };

/** Input items the converters build; a Responses caller's items pass as plain objects with a `type`. */
export type CodexInputItem =
  | { type: "message"; role: "user" | "assistant" | "developer" | "system"; content: CodexContentPart[] }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string }
  | { type: "custom_tool_call"; call_id: string; name: string; input: string }
  | { type: "custom_tool_call_output"; call_id: string; output: string }
  | ({ type: string } & JsonObject);

export type CodexTool = { type: string } & JsonObject;

export interface CodexRequestBody {
  model: string;
  /** Always present: the backend answers 400 "Instructions are required" without it ("" is accepted). */
  instructions: string;
  input: CodexInputItem[];
  tools?: CodexTool[];
  tool_choice?: string | JsonObject;
  parallel_tool_calls?: boolean;
  reasoning?: { effort?: string; summary?: string } & JsonObject;
  include?: string[];
  text?: { format?: JsonObject; verbosity?: string } & JsonObject;
  service_tier?: string;
  prompt_cache_key?: string;
  client_metadata?: Record<string, string>;
  store: false;
  stream: true;
}

/** A request the engine cannot send, as facts for an OpenAI-style 400 (`invalid_request_error`). */
export interface CodexRequestInvalid {
  message: string;
  /** The caller's field, in the caller's terms (`messages[2].content[0]`, `reasoning_effort`). */
  param: string | null;
  code: "unsupported_value" | "unsupported_parameter" | "invalid_value";
}

/** An effort the model does not take, replaced by the nearest one it does (for the request log). */
export interface EffortChange {
  requested: string;
  sent: string;
}

export type ToCodexResult =
  | {
      ok: true;
      body: CodexRequestBody;
      /** Top-level fields of the caller's request not sent upstream, sorted (the README lists them). */
      dropped: string[];
      effortChange: EffortChange | null;
    }
  | { ok: false; error: CodexRequestInvalid };

export function invalid(param: string | null, message: string, code: CodexRequestInvalid["code"] = "invalid_value"): { ok: false; error: CodexRequestInvalid } {
  return { ok: false, error: { message, param, code } };
}
