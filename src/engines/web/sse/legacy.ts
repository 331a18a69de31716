/**
 * @module Decoder for the legacy conversation stream (upstream.md §6.1): every `data` payload is a whole snapshot,
 * so decoding is stateless — one payload in, its events out.
 */

import type { UpstreamEvent } from "../events.ts";
import { decodeSnapshotObject } from "./decode-snapshot-object.ts";
import { isJsonObject, parseJson } from "./json-value.ts";

export interface LegacyDecoder {
  /** Decodes one SSE `data` payload. Never throws: a payload that is not a JSON object yields no event. */
  feed(data: string): UpstreamEvent[];
}

export function createLegacyDecoder(): LegacyDecoder {
  return { feed: decodeLegacyData };
}

function decodeLegacyData(data: string): UpstreamEvent[] {
  if (data.trim() === "[DONE]") return [{ type: "done" }];
  const value = parseJson(data);
  return isJsonObject(value) ? decodeSnapshotObject(value) : [];
}
