/**
 * @module The typed events decoded from the ChatGPT conversation stream.
 *
 * Both wire encodings (legacy snapshots and delta-encoding v1) decode to this one union: a `message` event always
 * carries the *whole* current state of one message (a snapshot), so everything downstream is independent of the
 * encoding the upstream chose.
 */

/** A part of `multimodal_text` content that points at a stored image (`file-service://…` or `sediment://…`). */
export interface ImageAssetPointer {
  content_type: "image_asset_pointer";
  asset_pointer: string;
  size_bytes?: number;
  width?: number;
  height?: number;
  metadata?: Record<string, unknown> | null;
}

export type UpstreamContent =
  | { content_type: "text"; parts: string[] }
  | { content_type: "code"; text: string; language?: string | null }
  | { content_type: "execution_output"; text: string }
  | { content_type: "multimodal_text"; parts: Array<string | ImageAssetPointer> }
  /** Anything else the upstream invents (`tether_quote`, `system_error`, `thoughts`, …): kept, typed loosely. */
  | { content_type: string; [key: string]: unknown };

export interface UpstreamMessage {
  id: string;
  author: { role: string; name?: string | null; metadata?: Record<string, unknown> };
  content: UpstreamContent;
  /** `in_progress` while streaming, `finished_successfully` at the end; other values are possible. */
  status: string;
  end_turn: boolean | null;
  recipient: string;
  metadata: Record<string, unknown>;
  create_time?: number | null;
  channel?: string | null;
}

export type UpstreamEvent =
  /** A snapshot of one message (cumulative: its text is everything so far). */
  | { type: "message"; message: UpstreamMessage; conversationId: string | null }
  /** The upstream's moderation verdict, e.g. `{"type":"moderation","moderation_response":{…}}`. */
  | { type: "moderation"; conversationId: string | null; blocked: boolean; data: Record<string, unknown> }
  /** An error reported inside a 200 stream (`{"message": null, "error": "…"}`). */
  | { type: "error"; conversationId: string | null; message: string }
  /** Any other typed event (`title_generation`, `message_stream_complete`, …), passed through for logging. */
  | { type: "metadata"; name: string; data: Record<string, unknown> }
  /** The upstream's own `data: [DONE]`. The stream may also just end. */
  | { type: "done" };
