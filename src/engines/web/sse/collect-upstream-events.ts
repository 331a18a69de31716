/** @module Test and aggregation helper: reads a stream of upstream events to the end. */

import type { UpstreamEvent } from "../events.ts";

export async function collectUpstreamEvents(stream: ReadableStream<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const events: UpstreamEvent[] = [];
  const reader = stream.getReader();
  for (let result = await reader.read(); !result.done; result = await reader.read()) events.push(result.value);
  return events;
}
