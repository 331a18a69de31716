/**
 * @module Decoder for the conversation stream's delta encoding v1 (upstream.md §6.2, with the fixes of §12/§16.5).
 *
 * Each message is a document `{message, conversation_id, error}` built from JSON-Pointer deltas; after every
 * applied delta the current document goes through the legacy rules, so a `message` event carries the whole
 * message so far. Snapshots are frozen and shared with later ones (see apply-delta-op.ts): they stay valid after
 * the next `feed`, and must not — cannot — be mutated.
 */

import type { UpstreamEvent } from "../events.ts";
import { applyDeltaOp } from "./apply-delta-op.ts";
import { decodeSnapshotObject } from "./decode-snapshot-object.ts";
import { parseJsonPointer } from "./json-pointer.ts";
import { deepFreeze, isJsonArray, isJsonObject, parseJson, type JsonObject, type JsonValue } from "./json-value.ts";

/** One SSE event as eventsource-parser delivers it. */
export interface SseEvent {
  event?: string | undefined;
  data: string;
}

export interface DeltaV1Decoder {
  /** Decodes one SSE event. Never throws: a delta that cannot be applied is skipped and counted in `errors`. */
  feed(event: SseEvent): UpstreamEvent[];
  /** The same for a payload the caller already parsed (`undefined`: not JSON); the caller handles `[DONE]`. */
  feedParsed(value: JsonValue | undefined): UpstreamEvent[];
  /** Deltas (or operations inside a `patch`) skipped as malformed so far. */
  readonly errors: number;
  /** Why the last one was skipped: the operation and path, never a value. */
  readonly lastError: string | undefined;
}

export interface DeltaV1DecoderOptions {
  /** Told why each malformed delta is skipped, as it happens (for logs). */
  onSkip?: (reason: string) => void;
}

export function createDeltaV1Decoder({ onSkip }: DeltaV1DecoderOptions = {}): DeltaV1Decoder {
  const documents = new Map<string, JsonValue>();
  /** The document deltas apply to: named by the last `c`, `""` until one arrives. */
  let current = "";
  let stickyPath: string | undefined;
  let stickyOperation: string | undefined;
  let errors = 0;
  let lastError: string | undefined;

  function skip(reason: string): UpstreamEvent[] {
    errors++;
    lastError = reason;
    onSkip?.(reason);
    return [];
  }

  function feedParsed(value: JsonValue | undefined): UpstreamEvent[] {
    if (value === undefined) return skip("data is not JSON");
    // The `delta_encoding` event's own payload; it only announces the mode.
    if (value === "v1") return [];
    if (!isJsonObject(value)) return skip("data is not a JSON object");
    if (isDelta(value)) return applyLine(value);
    // Typed events, and whole legacy snapshots should the upstream fall back to them.
    return decodeSnapshotObject(value);
  }

  function applyLine(line: JsonObject): UpstreamEvent[] {
    const { c, p, o, v } = line;
    if (c !== undefined) {
      if (typeof c !== "number" && typeof c !== "string") return skip("c is neither a number nor a string");
      current = String(c);
    }
    if (p !== undefined && typeof p !== "string") return skip("p is not a string");
    if (o !== undefined && typeof o !== "string") return skip("o is not a string");
    // A new message: installed even if the sticky p/o (from the previous message's appends) say otherwise, and
    // leaving them as they are, as chat2api does — a sticky root `add` would let a stray bare `v` wipe the document.
    if (c !== undefined && isJsonObject(v) && (p === undefined || p === "") && (o === undefined || o === "add")) {
      return install(deepFreeze(v));
    }
    if (p !== undefined) stickyPath = p;
    if (o !== undefined) stickyOperation = o;
    // A bare `{"c": n}` only switches documents.
    if (v === undefined && p === undefined && o === undefined) return [];
    if (stickyPath === undefined || stickyOperation === undefined) return skip("a delta before any p and o");
    const before = documents.get(current);
    const after = apply(before, stickyOperation, stickyPath, v);
    return after === undefined || after === before ? [] : install(after);
  }

  /** Applies one operation, a `patch` one sub-operation at a time: a bad one is skipped, the rest still apply. */
  function apply(
    document: JsonValue | undefined,
    operation: string,
    pointer: string,
    value: JsonValue | undefined,
  ): JsonValue | undefined {
    if (operation === "patch") {
      if (!isJsonArray(value)) {
        skip(`patch ${pointer || '""'}: v is not a list`);
        return document;
      }
      let patched = document;
      for (const sub of value) {
        if (!isJsonObject(sub) || typeof sub.o !== "string" || typeof sub.p !== "string") {
          skip("patch: an operation without string p and o");
          continue;
        }
        // Sub-paths are read relative to the patch line's own path; that is `""` in every documented stream, where
        // relative and absolute agree.
        patched = apply(patched, sub.o, pointer + sub.p, sub.v);
      }
      return patched;
    }
    const path = parseJsonPointer(pointer);
    if (path === undefined) {
      skip(`${operation}: ${JSON.stringify(pointer)} is not a JSON pointer`);
      return document;
    }
    try {
      return applyDeltaOp(document, operation, path, value);
    } catch (error) {
      skip(error instanceof Error ? error.message : String(error));
      return document;
    }
  }

  function install(document: JsonValue): UpstreamEvent[] {
    documents.set(current, document);
    if (!isJsonObject(document)) return skip("the document is not an object");
    const events = decodeSnapshotObject(document);
    if (events.length === 0 && document.message != null) skip("the document's message is not a valid message");
    return events;
  }

  return {
    feed({ event, data }) {
      if (event === "delta_encoding") return [];
      if (data.trim() === "[DONE]") return [{ type: "done" }];
      return feedParsed(parseJson(data));
    },
    feedParsed,
    get errors() {
      return errors;
    },
    get lastError() {
      return lastError;
    },
  };
}

/**
 * A delta line carries `v`, or (with no `type`/`message`, which mark typed events and legacy snapshots) `p`, `o`
 * or `c` — `remove` has no `v`, and a bare `c` switches documents.
 */
export function isDelta(value: JsonObject): boolean {
  if (value.v !== undefined) return true;
  if (value.type !== undefined || value.message !== undefined) return false;
  return value.p !== undefined || value.o !== undefined || value.c !== undefined;
}
