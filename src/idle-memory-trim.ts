/**
 * @module Gives memory back once a burst of requests is over. Under load the JS heap and the allocators behind it
 * grow with the garbage of thousands of replies and keep those pages for a while after it is collected: a server
 * idle after 5000 chats held ~140 MiB RSS, ~96 MiB a second after a full collection and `Bun.shrink()`
 * (bench/RESULTS.md, "CPU and memory per request"). So when no request has been in flight for a whole check period
 * and the process has grown by more than a threshold since the last trim, it collects and shrinks: a pause of a
 * few tens of milliseconds, taken only while nobody waits. main.ts starts it for the process (tests that run many
 * servers in one process do not: one server's idleness is not the process's).
 */

export interface IdleMemoryTrimOptions {
  /** Requests the HTTP server is still answering, streams included (`Bun.Server.pendingRequests`). */
  pending: () => number;
  /** The process's resident memory in bytes. */
  rss?: () => number;
  /** A full collection, then the heap handing free memory back. */
  trim?: () => void;
  /** How often the server is looked at; it must be idle at two looks in a row. */
  intervalMs?: number;
  /** Growth since the last trim (or the start) that is worth a collection. */
  minGrowthBytes?: number;
}

export interface IdleMemoryTrim {
  /** Looks once (the timer calls it; tests call it directly). Returns whether it trimmed. */
  check(): boolean;
  stop(): void;
}

const MIB = 1024 * 1024;

function collectAndShrink(): void {
  Bun.gc(true);
  // not in @types/bun: a JSC heap shrink, giving freed blocks back to the system
  (Bun as unknown as { shrink?: () => void }).shrink?.();
}

export function startIdleMemoryTrim({
  pending,
  rss = () => process.memoryUsage.rss(),
  trim = collectAndShrink,
  intervalMs = 2000,
  minGrowthBytes = 16 * MIB,
}: IdleMemoryTrimOptions): IdleMemoryTrim {
  let baseline = rss();
  let idleBefore = false;
  let trimmed = false;
  const check = (): boolean => {
    const resident = rss();
    // the pages a trim frees leave over the following second or so: the new baseline is read a look later
    if (trimmed) {
      baseline = resident;
      trimmed = false;
    }
    const idle = pending() === 0;
    const wasIdle = idleBefore;
    idleBefore = idle;
    // idle at the previous look too: a lull between two requests of a busy client is not the end of a burst
    if (!idle || !wasIdle || resident - baseline < minGrowthBytes) return false;
    trim();
    trimmed = true;
    return true;
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}
