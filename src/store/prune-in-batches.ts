/** @module Deletes in bounded batches until one comes back short, yielding between them so other work runs. */

/** Rows per DELETE: small enough that one batch holds the write lock for milliseconds, not seconds. */
export const PRUNE_BATCH_SIZE = 5_000;

/** `deleteBatch(limit)` deletes at most `limit` rows and says how many; the total is returned. */
export async function pruneInBatches(deleteBatch: (limit: number) => Promise<number>, batchSize: number = PRUNE_BATCH_SIZE): Promise<number> {
  const limit = Math.max(1, Math.floor(batchSize));
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(limit);
    total += deleted;
    if (deleted < limit) return total;
    // bun:sqlite is synchronous: without this the requests waiting on the event loop would wait for the whole prune
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
