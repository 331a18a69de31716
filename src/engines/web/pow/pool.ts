/**
 * @module A pool of Web Workers that solve proofs of work off the main thread.
 *
 * The main thread only schedules: each solve is cut into chunks of nonces, and a free worker takes the next chunk
 * of the next solve in turn (round robin), so one hard challenge cannot starve the easy ones queued behind it and
 * one solve spreads over every idle worker. Chunks are striped (worker lane k of n tries k, k+n, k+2n… of a block)
 * so the workers together sweep the low nonces first. The first answer wins; the other workers on that solve are
 * told through their cancel cell to stop. Each worker holds a second chunk in its queue while it works on one, so it
 * starts the next the moment it posts an answer instead of waiting for the main thread to be scheduled and reply: with
 * as many workers as cores that wait cost each worker a tenth of its hashes (bench/RESULTS.md, eighth session).
 *
 * Easy challenges never reach a worker: their expected work is below the cost of the round trip (inline-routing.ts),
 * so the calling thread solves them, and the requirements token always. The workers start with the first solve
 * that does reach the pool (each is a JS heap of its own, ~8 MiB resident).
 */
import type { PowConfig } from "./config.ts";
import { INLINE_MAX_EXPECTED_ATTEMPTS, solvesInline } from "./inline-routing.ts";
import type { PowChunkMessage, PowInitMessage, PowWorkerResponse } from "./messages.ts";
import { parseDifficulty } from "./nonce-search.ts";
import { PowWorkerError } from "./pow-worker-error.ts";
import { failureToken, type PowHash } from "./proof-search.ts";
import { DEFAULT_MAX_ATTEMPTS, requirementsToken, type SolveResult, solveProofOfWork } from "./solve.ts";

export interface PowWorkerPoolOptions {
  /** Number of workers (POW_WORKERS); at least 1. */
  size: number;
  /** Another worker script (tests); defaults to the bundled worker.ts. */
  workerUrl?: string | URL;
  /** Nonces per chunk (default 5 000, some 15 ms of work): the unit of fairness between concurrent solves. */
  chunkSize?: number;
  /** Draws the requirements-token seeds. */
  random?: () => number;
  /** Challenges expected to take at most this many attempts are solved on the calling thread (0: none; tests). */
  inlineMaxExpectedAttempts?: Readonly<Record<PowHash, number>>;
}

export interface PowSolveInput {
  seed: string;
  difficulty: string;
  config: PowConfig;
  /** Nonces 0 … maxAttempts-1 are tried (default 500 000). */
  maxAttempts?: number;
  /** `sha3` (2024, the default) or `fnv` (2026). */
  hash?: PowHash;
}

interface Job {
  id: number;
  input: Required<PowSolveInput>;
  /** Epoch ms: FNV answers report the time since in slot 9. */
  startedAt: number;
  nextChunk: number;
  /** Chunks sent to a worker that crashed before it reached them: sent again before `nextChunk`. */
  returned: number[];
  inFlight: number;
  attempts: number;
  resolve(result: SolveResult): void;
  reject(error: Error): void;
}

/** Chunks sent to a worker ahead of its answers: one running, one queued. */
const CHUNKS_PER_WORKER = 2;

interface SentChunk {
  job: Job;
  /** The chunk's number in its solve (see `chunkStart`). */
  chunk: number;
}

interface Slot {
  worker: Worker;
  cancel: Int32Array;
  /** The chunks sent to this worker and not answered yet, in the order sent (it answers in that order). */
  chunks: SentChunk[];
  exited: Promise<void>;
}

/**
 * Where the worker entry lives. In the single binary every entry point sits in Bun's virtual file system under the
 * build's root (`src/`), and a bare relative specifier resolves there; from source, relative to this module.
 */
function defaultWorkerUrl(): string {
  if (import.meta.url.startsWith("file:///$bunfs/") || import.meta.url.startsWith("file:///B:/~BUN/")) return "./engines/web/pow/worker.ts";
  return new URL("./worker.ts", import.meta.url).href;
}

export class PowWorkerPool {
  private readonly size: number;
  private readonly chunkSize: number;
  private readonly workerUrl: string | URL | undefined;
  private readonly random: () => number;
  private readonly inlineLimits: Readonly<Record<PowHash, number>>;
  private readonly slots: Slot[] = [];
  /** Unfinished solves in arrival order; `turn` is where the round robin resumes. */
  private readonly jobs: Job[] = [];
  private turn = 0;
  private nextJobId = 1;
  private closed = false;
  /** The workers start with the first solve that needs them: a server meeting only easy challenges never pays their memory. */
  private started = false;
  /** Crashes since the last answer from any worker; a worker that cannot even start must not respawn forever. */
  private crashStreak = 0;

  constructor(options: PowWorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size));
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 5_000));
    this.workerUrl = options.workerUrl;
    this.random = options.random ?? Math.random;
    this.inlineLimits = options.inlineMaxExpectedAttempts ?? INLINE_MAX_EXPECTED_ATTEMPTS;
  }

  solve(input: PowSolveInput): Promise<SolveResult> {
    if (this.closed) return Promise.reject(new PowWorkerError("The proof-of-work pool is closed."));
    const hash = input.hash ?? "sha3";
    try {
      parseDifficulty(input.difficulty);
      if (solvesInline(hash, input.difficulty, this.inlineLimits)) {
        return Promise.resolve(solveProofOfWork(input.seed, input.difficulty, input.config, { hash, maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS }));
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    }
    if (this.slots.length === 0) return Promise.reject(new PowWorkerError("The proof-of-work workers keep crashing; none is left."));
    return new Promise<SolveResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextJobId++,
        input: { ...input, maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, hash },
        startedAt: Date.now(),
        nextChunk: 0,
        returned: [],
        inFlight: 0,
        attempts: 0,
        resolve,
        reject,
      };
      this.jobs.push(job);
      if (!this.hasChunks(job)) this.settle(job);
      this.dispatch();
    });
  }

  /** Always on the calling thread: its fixed difficulty takes about 16 attempts, less than one worker round trip. */
  async requirementsToken(config: PowConfig): Promise<string> {
    if (this.closed) throw new PowWorkerError("The proof-of-work pool is closed.");
    return requirementsToken(config, this.random);
  }

  /** Rejects pending solves and terminates every worker; resolves once they have exited. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const job of this.jobs.splice(0)) job.reject(new PowWorkerError("The proof-of-work pool was closed before the solve finished."));
      for (const slot of this.slots) slot.worker.terminate();
    }
    await Promise.all(this.slots.map((slot) => slot.exited));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl ?? defaultWorkerUrl());
    const cancel = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const { promise: exited, resolve: onExit } = Promise.withResolvers<void>();
    const slot: Slot = { worker, cancel: new Int32Array(cancel), chunks: [], exited };
    worker.addEventListener("message", (event: MessageEvent<PowWorkerResponse>) => this.onResponse(slot, event.data));
    // Bun ends a Worker after an uncaught error ("error", then "close"); an exit from inside only fires "close".
    worker.addEventListener("error", (event) => this.onCrash(slot, event.message));
    worker.addEventListener("close", (event) => {
      onExit();
      this.onCrash(slot, `exit code ${(event as CloseEvent).code}`);
    });
    worker.postMessage({ type: "init", cancel } satisfies PowInitMessage);
    return slot;
  }

  private onCrash(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (this.closed || index < 0) return;
    const [running, ...queued] = slot.chunks.splice(0);
    slot.worker.terminate();
    if (++this.crashStreak <= 2 * this.size) this.slots[index] = this.spawn();
    else this.slots.splice(index, 1);
    // the chunk it was on takes its solve down with it; chunks of other solves queued behind it go to another worker
    for (const { job, chunk } of queued) {
      job.inFlight--;
      if (job !== running?.job) job.returned.push(chunk);
    }
    if (running) {
      running.job.inFlight--;
      this.fail(running.job, new PowWorkerError(`A proof-of-work worker crashed while solving (${reason}); the solve was abandoned and the worker replaced.`));
    }
    if (this.slots.length === 0) {
      for (const queued of [...this.jobs]) this.fail(queued, new PowWorkerError(`The proof-of-work workers keep crashing (${reason}); none is left.`));
    }
    this.dispatch();
  }

  private onResponse(slot: Slot, response: PowWorkerResponse): void {
    this.crashStreak = 0;
    const job = slot.chunks.shift()?.job;
    if (job && job.id === response.jobId) {
      job.inFlight--;
      if (this.jobs.includes(job)) {
        switch (response.type) {
          case "found":
            this.finish(job, { solved: true, token: response.token, nonce: response.nonce, attempts: job.attempts + response.attempts });
            break;
          case "not-found":
            job.attempts += response.attempts;
            if (!this.hasChunks(job) && job.inFlight === 0) this.settle(job);
            break;
          case "failed":
            this.fail(job, new PowWorkerError(`The proof-of-work solver failed: ${response.message}`));
            break;
          default: {
            const _exhaustiveCheck: never = response;
            return _exhaustiveCheck;
          }
        }
      }
    }
    this.dispatch();
  }

  /** Tops every worker up to its chunks in flight, taking solves in turn: first one chunk each, then the next. */
  private dispatch(): void {
    if (this.closed) return;
    for (let depth = 1; depth <= CHUNKS_PER_WORKER; depth++) {
      for (const slot of this.slots) {
        if (slot.chunks.length >= depth) continue;
        const job = this.nextJobWithChunks();
        if (!job) return;
        const chunk = job.returned.shift() ?? job.nextChunk++;
        slot.chunks.push({ job, chunk });
        job.inFlight++;
        slot.worker.postMessage(this.chunkMessage(job, chunk));
      }
    }
  }

  private nextJobWithChunks(): Job | undefined {
    for (let i = 0; i < this.jobs.length; i++) {
      const index = (this.turn + i) % this.jobs.length;
      const job = this.jobs[index] as Job;
      if (this.hasChunks(job)) {
        this.turn = index + 1;
        return job;
      }
    }
    return undefined;
  }

  /** Chunk c covers lane c mod n of block c div n: nonces block·n·chunk + lane + n·j. */
  private chunkStart(chunk: number): number {
    return Math.floor(chunk / this.size) * this.size * this.chunkSize + (chunk % this.size);
  }

  private hasChunks(job: Job): boolean {
    return job.returned.length > 0 || this.chunkStart(job.nextChunk) < job.input.maxAttempts;
  }

  private chunkMessage(job: Job, chunk: number): PowChunkMessage {
    const startNonce = this.chunkStart(chunk);
    const count = Math.min(this.chunkSize, Math.ceil((job.input.maxAttempts - startNonce) / this.size));
    const { seed, difficulty, config, hash } = job.input;
    return { type: "chunk", jobId: job.id, hash, startedAt: job.startedAt, seed, difficulty, config, startNonce, step: this.size, count };
  }

  /** Every nonce was tried: the browser's "gave up" token. */
  private settle(job: Job): void {
    this.finish(job, { solved: false, token: failureToken(job.input.seed, job.input.hash), attempts: job.attempts });
  }

  private finish(job: Job, result: SolveResult): void {
    this.remove(job);
    job.resolve(result);
  }

  private fail(job: Job, error: Error): void {
    this.remove(job);
    job.reject(error);
  }

  /**
   * Drops a finished solve and stops its chunks: the running one at its next look at the cancel cell, a queued one
   * before it starts. A cell holds one solve, so when a worker's two chunks belong to two solves that both end, the
   * first one's may run on to its end (one chunk of wasted work, its answer ignored).
   */
  private remove(job: Job): void {
    const index = this.jobs.indexOf(job);
    if (index < 0) return;
    this.jobs.splice(index, 1);
    if (index < this.turn) this.turn--;
    for (const slot of this.slots) if (slot.chunks.some((sent) => sent.job === job)) Atomics.store(slot.cancel, 0, job.id);
  }
}
