/**
 * @module The messages between the proof-of-work pool (main thread) and its Workers, imported by both sides.
 *
 * The pool hands out chunks of nonces, at most two ahead of a worker's answers, so it can interleave concurrent solves
 * and stop handing out work for a solved challenge. A chunk already running is stopped through a shared cancel cell:
 * the pool writes the job id there and the worker checks it between small batches, as a message could not reach its
 * busy loop; a chunk still queued sees the cell before it starts.
 */
import type { PowConfig } from "./config.ts";
import type { PowHash } from "./proof-search.ts";

/** Sent once after start: an Int32Array(1) over this buffer holds the id of the job to abandon (0 = none). */
export interface PowInitMessage {
  type: "init";
  cancel: SharedArrayBuffer;
}

/** Try `count` nonces `startNonce, startNonce + step, …` of job `jobId`. */
export interface PowChunkMessage {
  type: "chunk";
  jobId: number;
  /** Which algorithm the upstream wants (proof-search.ts). */
  hash: PowHash;
  /** When the job started (epoch ms): FNV answers carry the time since in slot 9. */
  startedAt: number;
  seed: string;
  difficulty: string;
  config: PowConfig;
  startNonce: number;
  step: number;
  count: number;
}

export type PowWorkerRequest = PowInitMessage | PowChunkMessage;

export type PowWorkerResponse =
  | { type: "found"; jobId: number; nonce: number; token: string; attempts: number }
  /** The chunk ran out, or was cancelled part-way. */
  | { type: "not-found"; jobId: number; attempts: number }
  /** The solver threw (a bug or a bad input that slipped through); the message is safe to show. */
  | { type: "failed"; jobId: number; message: string };
