/** @module The error of the proof-of-work worker pool: a crashed or failing worker, or a closed pool. */

export class PowWorkerError extends Error {
  override name = "PowWorkerError";
}
