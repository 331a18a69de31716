/**
 * @module The parts of an OpenAI Chat Completions request the Codex converter reads, typed loosely (strings where the
 * spec has literal unions) so that both the server's validated request and the `openai` package's params fit.
 */

export interface ChatPartForCodex {
  type: string;
  text?: string;
  refusal?: string;
  image_url?: { url: string; detail?: string };
}

export interface ChatToolCallForCodex {
  id: string;
  type: string;
  function?: { name: string; arguments: string };
  custom?: { name: string; input: string };
}

export interface ChatMessageForCodex {
  role: string;
  content?: string | readonly ChatPartForCodex[] | null;
  name?: string;
  tool_calls?: readonly ChatToolCallForCodex[] | null;
  function_call?: { name: string; arguments: string } | null;
  tool_call_id?: string;
}

export interface ChatFunctionForCodex {
  name: string;
  description?: string;
  parameters?: unknown;
  strict?: boolean | null;
}

export interface ChatToolForCodex {
  type: string;
  function?: ChatFunctionForCodex;
  custom?: { name: string; description?: string; format?: unknown };
}

export type ChatToolChoiceForCodex =
  | string
  | {
      type: string;
      function?: { name: string };
      custom?: { name: string };
      allowed_tools?: { mode: string; tools: readonly unknown[] };
    };

export interface ChatRequestForCodex {
  model: string;
  messages: readonly ChatMessageForCodex[];
  tools?: readonly ChatToolForCodex[] | null;
  tool_choice?: ChatToolChoiceForCodex | null;
  parallel_tool_calls?: boolean | null;
  /** Deprecated function-calling fields, still sent by old clients. */
  functions?: readonly ChatFunctionForCodex[] | null;
  function_call?: string | { name: string } | null;
  response_format?: { type: string; json_schema?: { name: string; description?: string; schema?: unknown; strict?: boolean | null } } | null;
  reasoning_effort?: string | null;
  verbosity?: string | null;
  service_tier?: string | null;
  prompt_cache_key?: string | null;
}
