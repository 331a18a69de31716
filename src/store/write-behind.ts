/**
 * @module Rows written behind the request (the request log, issue 12): a row waits in memory and is written with the
 * others of its few milliseconds in one batch (one transaction), instead of one statement per request. A row's
 * promise settles when its batch is written or fails, so callers that wait still read their writes. Bounded: a batch
 * of `batchRows` is written at once (a synchronous writer, SQLite, writes it before `add` returns), and while a slow
 * asynchronous writer (PostgreSQL) holds `maxPending` rows, further rows are dropped and counted, never queued.
 * What is lost on SIGKILL is the rows of the last `delayMs` (at most `batchRows`, or `maxPending` behind a slow
 * database); `flush` and `close` write everything waiting.
 */

export interface WriteBehindOptions<T> {
  /** Writes one batch in one transaction: synchronously (returns nothing) or asynchronously. */
  write(rows: T[]): void | Promise<void>;
  /** How long the first row of a batch waits for others. */
  delayMs?: number;
  /** A batch this long is written at once. */
  batchRows?: number;
  /** Rows waiting plus rows being written, at most; a row past it is dropped (its promise rejects with RowDropped). */
  maxPending?: number;
}

export interface WriteBehind<T> {
  /** Queues the row; settles once its batch is written (or rejects with why it was not). */
  add(row: T): Promise<void>;
  /** Writes every row waiting now and waits for the writes in flight. */
  flush(): Promise<void>;
  /** Rows dropped because `maxPending` rows were already waiting. */
  readonly dropped: number;
}

export class RowDropped extends Error {
  constructor(maxPending: number) {
    super(`the write queue holds ${maxPending} rows already (the database is slow or unreachable): row dropped`);
    this.name = "RowDropped";
  }
}

interface Batch {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function newBatch(): Batch {
  let resolve = (): void => {};
  let reject = (_error: unknown): void => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function createWriteBehind<T>({ write, delayMs = 5, batchRows = 256, maxPending = 10_000 }: WriteBehindOptions<T>): WriteBehind<T> {
  let pending: T[] = [];
  // one promise for all the rows of a batch: a row costs a push, not a promise of its own
  let batch = newBatch();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing: Promise<void> | null = null;
  let rowsInFlight = 0;
  let dropped = 0;

  /** Writes what waits, unless a write is in flight (its end writes what gathered meanwhile: one write at a time). */
  function writeNow(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (writing || pending.length === 0) return;
    const rows = pending;
    const done = batch;
    pending = [];
    batch = newBatch();
    let result: void | Promise<void>;
    try {
      result = write(rows);
    } catch (error) {
      done.reject(error);
      return;
    }
    if (!(result instanceof Promise)) {
      done.resolve();
      return;
    }
    rowsInFlight = rows.length;
    // the next batch starts before this one's rows are settled, so whoever waited on them finds it under way
    const settleAfter = (settle: () => void): void => {
      writing = null;
      rowsInFlight = 0;
      if (pending.length > 0) writeNow();
      settle();
    };
    writing = result.then(
      () => settleAfter(done.resolve),
      (error: unknown) => settleAfter(() => done.reject(error)),
    );
  }

  return {
    add(row) {
      if (pending.length + rowsInFlight >= maxPending) {
        dropped++;
        return Promise.reject(new RowDropped(maxPending));
      }
      pending.push(row);
      const settled = batch.promise;
      if (pending.length >= batchRows) writeNow();
      else timer ??= setTimeout(writeNow, delayMs);
      return settled;
    },
    async flush() {
      while (writing || pending.length > 0) {
        writeNow();
        if (writing) await writing;
      }
    },
    get dropped() {
      return dropped;
    },
  };
}
