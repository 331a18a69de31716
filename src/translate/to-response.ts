/**
 * @module All rendered deltas of a reply → one non-streaming Responses API `response` (CLIENTS.md §6). It replays
 * the stream builder and keeps its final response, so the JSON answer and a stream's last event never differ.
 */
import { UpstreamFailureError } from "../errors.ts";
import type { RenderedDelta } from "./rendered-delta.ts";
import { createResponseBuilder, type ResponseBuilderOptions, type WireResponse } from "./to-responses-events.ts";

/** Throws UpstreamFailureError (502) when the deltas end in `failed` or without a finish: never a 200 for a failure. */
export function toResponse(deltas: readonly RenderedDelta[], options: ResponseBuilderOptions): WireResponse {
  const failed = deltas.find((delta) => delta.type === "failed");
  if (failed) {
    throw new UpstreamFailureError(502, `The upstream failed while answering: ${failed.message}`, { code: "upstream_stream_failed" });
  }
  const builder = createResponseBuilder(options);
  const last = deltas.flatMap((delta) => builder.push(delta)).at(-1);
  if (last?.type === "response.completed" || last?.type === "response.incomplete") return last.response;
  throw new UpstreamFailureError(502, "The upstream ended the reply without finishing it.", { code: "upstream_stream_failed" });
}
