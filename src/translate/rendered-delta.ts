/** @module The renderer's output: one union every OpenAI-shaped writer (chunks, completion, responses) consumes. */

export type FinishReason = "stop" | "length" | "content_filter";

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
  /** The last delta of a successful reply; `tokens` when the reply was counted as it streamed (the reply service). */
  | { type: "finish"; reason: FinishReason; tokens?: CountedReply }
  /** The upstream failed after the turn began (error event, cut stream): never followed by `finish`. */
  | { type: "failed"; message: string };
