/**
 * @module A test Worker that answers a chunk only once the next one is in its queue (the last, shorter chunk of a
 * solve is answered at once, with everything held). A pool that waits for each answer before sending the next chunk
 * never finishes a solve with it; one that keeps a chunk queued ahead does. Every chunk is answered "not found".
 */
import type { PowChunkMessage, PowWorkerRequest, PowWorkerResponse } from "../messages.ts";

declare const self: Worker;

/** The chunk size the test's pool uses: a chunk with fewer nonces is the solve's last. */
const FULL_CHUNK = 100;
const held: PowChunkMessage[] = [];
const answer = (chunk: PowChunkMessage) => self.postMessage({ type: "not-found", jobId: chunk.jobId, attempts: chunk.count } satisfies PowWorkerResponse);

self.onmessage = (event: MessageEvent<PowWorkerRequest>) => {
  const message = event.data;
  if (message.type !== "chunk") return;
  held.push(message);
  if (message.count < FULL_CHUNK) for (const chunk of held.splice(0)) answer(chunk);
  else if (held.length >= 2) answer(held.shift() as PowChunkMessage);
};
