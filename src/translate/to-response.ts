/**
 * @module All rendered deltas of a reply → one non-streaming Responses API `response` (CLIENTS.md §6). It replays
 * the stream builder and keeps its final response, so the JSON answer and a stream's last event never differ.
 */
import type { RenderedDelta } from "./rendered-delta.ts";
import { ReplyFailedError } from "./translate-errors.ts";
import { createResponseBuilder, type ResponseBuilderOptions, type WireResponse } from "./to-responses-events.ts";

/** Throws ReplyFailedError (a 502 at the edge) when the deltas end in `failed` or without a finish: never a 200 for a failure. */
export function toResponse(deltas: readonly RenderedDelta[], options: ResponseBuilderOptions): WireResponse {
  const failed = deltas.find((delta) => delta.type === "failed");
  if (failed) {
    throw new ReplyFailedError(`The upstream failed while answering: ${failed.message}`);
  }
  const builder = createResponseBuilder(options);
  const last = deltas.flatMap((delta) => builder.push(delta)).at(-1);
  if (last?.type === "response.completed" || last?.type === "response.incomplete") return last.response;
  throw new ReplyFailedError("The upstream ended the reply without finishing it.");
}
