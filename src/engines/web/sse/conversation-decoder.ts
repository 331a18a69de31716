/**
 * @module The encoding-detecting core of the conversation stream decoder: legacy snapshots until the stream shows
 * it speaks delta encoding v1 (`event: delta_encoding` + `"v1"`, or a first delta-shaped line), v1 from then on.
 */

import type { UpstreamEvent } from "../events.ts";
import { decodeSnapshotObject } from "./decode-snapshot-object.ts";
import { createDeltaV1Decoder, isDelta, type DeltaV1DecoderOptions, type SseEvent } from "./delta-v1.ts";
import { isJsonObject, parseJson, type JsonValue } from "./json-value.ts";

export type ConversationEncoding = "legacy" | "v1";

export interface ConversationDecoder {
  /** Decodes one SSE event. Never throws. */
  feed(event: SseEvent): UpstreamEvent[];
  readonly encoding: ConversationEncoding;
  /** v1 deltas skipped as malformed so far (see `DeltaV1Decoder.errors`). */
  readonly errors: number;
  readonly lastError: string | undefined;
  /** The last `conversation_id` an event carried, for errors raised outside any event. */
  readonly conversationId: string | null;
}

export function createConversationDecoder(options: DeltaV1DecoderOptions = {}): ConversationDecoder {
  const delta = createDeltaV1Decoder(options);
  let encoding: ConversationEncoding = "legacy";
  let conversationId: string | null = null;

  function decode(sse: SseEvent): UpstreamEvent[] {
    // 2026 streams sometimes put two payloads on one line (`data: {…}data: {…}`, web-2026.md §6): each is its own event
    const joined = sse.data.includes("}data:") ? splitJoinedPayloads(sse.data) : null;
    if (joined) return joined.flatMap((data) => decodeOne({ ...sse, data }));
    return decodeOne(sse);
  }

  function decodeOne({ event, data }: SseEvent): UpstreamEvent[] {
    if (data.trim() === "[DONE]") return [{ type: "done" }];
    // Each payload is parsed once here: legacy snapshots repeat the whole message, parsing twice would double the cost.
    const value = parseJson(data);
    if (encoding === "legacy" && startsDeltaMode(event, value)) encoding = "v1";
    if (encoding === "v1") return delta.feedParsed(value);
    return isJsonObject(value) ? decodeSnapshotObject(value) : [];
  }

  return {
    feed(event) {
      const events = decode(event);
      for (const decoded of events) {
        if ("conversationId" in decoded && decoded.conversationId !== null) conversationId = decoded.conversationId;
      }
      return events;
    },
    get encoding() {
      return encoding;
    },
    get errors() {
      return delta.errors;
    },
    get lastError() {
      return delta.lastError;
    },
    get conversationId() {
      return conversationId;
    },
  };
}

function startsDeltaMode(event: string | undefined, value: JsonValue | undefined): boolean {
  if (event === "delta_encoding") return value === "v1";
  return isJsonObject(value) && isDelta(value);
}

/**
 * `{…}data: {…}` → its payloads, when the text is not one JSON value by itself but every piece is; null otherwise
 * (a `}data:` inside a JSON string is left alone).
 */
export function splitJoinedPayloads(data: string): string[] | null {
  if (parseJson(data) !== undefined) return null;
  const pieces = data.split(/(?<=\})data: ?(?=[{\[])/);
  if (pieces.length < 2 || pieces.some((piece) => parseJson(piece) === undefined)) return null;
  return pieces;
}
