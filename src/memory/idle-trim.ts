/**
 * @module Gives memory back once the server has gone quiet. Under load the JS heap and the allocators behind it grow
 * with the garbage of thousands of replies and keep those pages long after it is collected: a compiled server idle
 * after 5000 chats held ~140 MiB RSS, ~96 MiB a second after a full collection and `Bun.shrink()`
 * (bench/RESULTS.md, "Issue 12 on the final tree"). The shrink also drops the JIT's compiled code, so the next burst
 * runs its first few thousand requests ~15 % slower while it is compiled again: it is done only after a long quiet
 * spell (no request in flight at every look for {@link IdleMemoryTrimOptions.idleMs}), never between the requests
 * of a busy client, and only when the process grew by a threshold over the smallest it has been since the last trim.
 * Before it, what can be rebuilt on demand is let go ({@link IdleMemoryTrimOptions.release}): the tokenizer tables,
 * ~5 MiB of an idle server's ~78 (bench/RESULTS.md, ninth session), rebuilt in 25–95 ms by the next chat. main.ts
 * starts it for the process (tests that run many servers in one process do not: one server's quiet is not the
 * process's).
 */

export interface IdleMemoryTrimOptions {
  /** Requests the HTTP server is still answering, streams included (`Bun.Server.pendingRequests`). */
  pending: () => number;
  /** The process's resident memory in bytes. */
  rss?: () => number;
  /** A full collection, then the heap handing free memory back. */
  trim?: () => void;
  /** Lets go of what the process can rebuild when next needed (the tokenizer tables), just before a trim. */
  release?: () => void;
  now?: () => number;
  /** How often the server is looked at. */
  intervalMs?: number;
  /** How long no request may have been seen in flight before a trim. */
  idleMs?: number;
  /**
   * Growth over the smallest RSS seen since the last trim (or the start) that is worth a collection: 8 MiB, about half
   * what a burst of 10 000 chats leaves after the busy collector's work, so that of a few thousand is given back too.
   */
  minGrowthBytes?: number;
}

export interface IdleMemoryTrim {
  /** Looks once (the timer calls it; tests call it directly). Returns whether it trimmed. */
  check(): boolean;
  stop(): void;
}

const MIB = 1024 * 1024;
/**
 * The share of `idleMs` a quiet spell may fall short of: the timer's looks come a fraction of a millisecond early now
 * and then (49.8 ms apart on a 50 ms interval), so six looks 5 s apart can span 29 999 ms on the clock, and the trim
 * then waited a whole interval more: 40 s after a burst instead of 35 (bench/RESULTS.md, fifteenth session).
 */
const CLOCK_SLACK = 0.01;

function collectAndShrink(): void {
  Bun.gc(true);
  // not in @types/bun: JSC's "shrink footprint" (compiled code dropped, free pages handed back to the system)
  (Bun as unknown as { shrink?: () => void }).shrink?.();
}

export function startIdleMemoryTrim({
  pending,
  rss = () => process.memoryUsage.rss(),
  trim = collectAndShrink,
  release = () => {},
  now = Date.now,
  intervalMs = 5_000,
  idleMs = 30_000,
  minGrowthBytes = 8 * MIB,
}: IdleMemoryTrimOptions): IdleMemoryTrim {
  let baseline = rss();
  let quietSince: number | null = null;
  let trimmed = false;
  const check = (): boolean => {
    const resident = rss();
    // the pages a trim frees leave over the following seconds, not during it: the baseline is the smallest the process
    // has been since, not a reading taken while they were still leaving. Read at the one look after a trim (75 MiB,
    // 72 by the next), a 10 000-chat burst that left 90 was 15 MiB of growth, under the 16 then required, and the
    // server idled at 90 (bench/RESULTS.md, thirteenth session)
    baseline = trimmed ? resident : Math.min(baseline, resident);
    trimmed = false;
    if (pending() > 0) {
      quietSince = null;
      return false;
    }
    const at = now();
    quietSince ??= at;
    if (at - quietSince < idleMs * (1 - CLOCK_SLACK) || resident - baseline < minGrowthBytes) return false;
    release();
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
