/**
 * @module The events the Codex engine emits, one discriminated union (the vocabulary every engine will share).
 * The decoder (`decode-stream.ts`) produces exactly these from the backend's Responses-API SSE stream.
 */

export type CodexFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface CodexUsage {
  inputTokens: number;
  /** Part of `inputTokens` served from the prompt cache. */
  cachedTokens: number;
  outputTokens: number;
  /** Part of `outputTokens` spent on reasoning. */
  reasoningTokens: number;
}

export type CodexEvent =
  | { type: "start"; responseId: string; model: string }
  /** A fragment of the assistant's answer (`response.output_text.delta`). */
  | { type: "content"; text: string }
  /** A fragment of a reasoning summary; separate summary parts arrive joined by "\n\n". */
  | { type: "reasoning"; text: string }
  | { type: "refusal"; text: string }
  /** `index` counts the reply's tool calls 0, 1, 2… in order of appearance (not the upstream `output_index`). */
  /** `custom`: a freeform tool's call (`custom_tool_call`), whose input is plain text rather than JSON arguments. */
  | { type: "tool-call-start"; index: number; callId: string; name: string; custom?: true }
  /** The deltas of one call, concatenated, always equal its `tool-call-end` arguments. */
  | { type: "tool-call-delta"; index: number; argumentsDelta: string }
  | { type: "tool-call-end"; index: number; arguments: string }
  /** A finished reasoning item (with `encrypted_content` when asked for), for Responses pass-through. */
  | { type: "reasoning-item"; item: unknown }
  /** Every finished output item, as the upstream sent it (Responses pass-through). */
  | { type: "output-item"; item: unknown }
  | { type: "finish"; reason: CodexFinishReason; usage: CodexUsage }
  /** A failure inside the stream after `start`; nothing follows it. */
  | { type: "failed"; code: string | null; message: string };
