/** @module The renderer's output: one union every OpenAI-shaped writer (chunks, completion, responses) consumes. */

export type FinishReason = "stop" | "length" | "content_filter" | "tool_calls";

/** Usage as the upstream counted it (the Codex engine reports it; the web engine leaves counting to us). */
export interface UpstreamUsage {
  promptTokens: number;
  cachedTokens: number;
  /** Output tokens, reasoning included. */
  completionTokens: number;
  reasoningTokens: number;
}

/** What a file-service / sediment pointer or a sandbox link refers to, for the caller to look up a download URL. */
export interface AssetRef {
  kind: "file-service" | "sediment" | "sandbox";
  /** `file-…`, `file_…` (without the scheme) or the sandbox path `/mnt/data/…`. */
  id: string;
  conversationId: string | null;
  messageId: string;
}

/** A reply's completion text and reasoning in tokens. */
export interface CountedReply {
  content: number;
  reasoning: number;
}

export type RenderedDelta =
  /**
   * Exactly once, when the first assistant/tool message appears: proof the upstream accepted the turn, so the caller
   * may commit a 200. `messageId` is "" only when a moderation block arrived before any message.
   */
  | { type: "start"; conversationId: string | null; messageId: string }
  /** The message being rendered changed (the last one seen is the parent for a follow-up turn). */
  | { type: "message-id"; messageId: string; conversationId: string | null }
  | { type: "content"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "refusal"; text: string }
  /**
   * A generated image, emitted just before the `content` that shows it as `![image](url)`: endpoints that return the
   * image itself (`/v1/images/generations`) read it here instead of parsing markdown. Chat writers ignore it.
   * `url` is null when the upstream gave no download URL; `prompt` is the prompt the image tool was called with.
   */
  | { type: "image"; url: string | null; ref: AssetRef; prompt: string | null }
  /**
   * A function call the model makes (native on the Codex engine). `index` numbers the reply's calls from 0 in order
   * of appearance; a call's deltas add up to the `arguments` of its end; calls may interleave (parallel calls).
   */
  /** `custom`: a freeform tool's call (`custom_tool_call`), whose input is plain text rather than JSON arguments. */
  | { type: "tool-call-start"; index: number; callId: string; name: string; custom?: true }
  | { type: "tool-call-delta"; index: number; argumentsDelta: string }
  | { type: "tool-call-end"; index: number; arguments: string }
  /**
   * A finished upstream output item as sent (function calls, reasoning with `encrypted_content`, messages), for the
   * Responses API to hand back unchanged. Chat writers ignore it.
   */
  | { type: "output-item"; item: Record<string, unknown> }
  /**
   * The last delta of a successful reply; `tokens` when the reply was counted as it streamed (the reply service);
   * `usage` when the upstream counted it, which then wins over any count of ours.
   */
  | { type: "finish"; reason: FinishReason; tokens?: CountedReply; usage?: UpstreamUsage }
  /** The upstream failed after the turn began (error event, cut stream): never followed by `finish`. */
  | { type: "failed"; message: string };
