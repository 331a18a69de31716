/**
 * @module The proof-of-work Worker entry: solves the chunks the pool sends (see messages.ts) and answers each with
 * one message. Must stay a build entry point (`bun build --compile … src/engines/web/pow/worker.ts`).
 */
import type { PowChunkMessage, PowWorkerRequest, PowWorkerResponse } from "./messages.ts";
import { createProofSearch, type ProofSearch } from "./proof-search.ts";

declare const self: Worker;

// the normal JIT policy whatever this thread's VM started with (main.ts: the binary starts with a reluctant one): a
// worker's only job is the hot loop of the search
Bun.unsafe.setJITPolicy(1);

/** Attempts between looks at the cancel cell: about a millisecond, so a cancel lands quickly at no measurable cost. */
const CANCEL_CHECK_EVERY = 256;

let cancel: Int32Array<ArrayBufferLike> = new Int32Array(1);
/** A job's chunks usually come to the same worker in a row: keep its prepared search. */
let prepared: { jobId: number; search: ProofSearch } | null = null;

self.onmessage = (event: MessageEvent<PowWorkerRequest>) => {
  const message = event.data;
  switch (message.type) {
    case "init":
      cancel = new Int32Array(message.cancel);
      return;
    case "chunk":
      self.postMessage(runChunk(message));
      return;
    default: {
      const _exhaustiveCheck: never = message;
      return _exhaustiveCheck;
    }
  }
};

function runChunk(chunk: PowChunkMessage): PowWorkerResponse {
  const { jobId, step, count } = chunk;
  try {
    if (prepared?.jobId !== jobId) {
      prepared = { jobId, search: createProofSearch(chunk.hash, chunk.seed, chunk.difficulty, chunk.config, { startedAt: chunk.startedAt }) };
    }
    const { search } = prepared;
    let attempts = 0;
    while (attempts < count && Atomics.load(cancel, 0) !== jobId) {
      const batch = Math.min(CANCEL_CHECK_EVERY, count - attempts);
      const result = search.search(chunk.startNonce + attempts * step, step, batch);
      attempts += result.attempts;
      if (result.found !== null) return { type: "found", jobId, nonce: result.found.nonce, token: result.found.token, attempts };
    }
    return { type: "not-found", jobId, attempts };
  } catch (error) {
    return { type: "failed", jobId, message: error instanceof Error ? error.message : String(error) };
  }
}
