/**
 * @module Collections while requests are in flight. Bun runs the engine's timed collections only between bursts of
 * work: it puts them off while the event loop has more to do, and prompts them when an HTTP request completes
 * (BunGCController.cpp in Bun's source). A server holding many long streams has work on every turn and completes
 * nothing for seconds, so the garbage of every chunk of every stream stays resident until the engine's allocation
 * trigger lets the heap double: 200 streams at once peaked near 190 MiB with some 30 MiB of it live (bench/RESULTS.md,
 * "Issue 12, fifth session"). So while anything is in flight, a young-generation collection every
 * {@link BusyCollectionOptions.intervalMs} bounds the garbage by what the traffic allocates in between (a fraction of a
 * millisecond each), and a full one follows when what survived them has grown by
 * {@link BusyCollectionOptions.fullGrowthBytes} since the last full one: the state of streams that have since ended,
 * which a young collection promoted while they were open. The peak fell to ~123 MiB and the CPU per request by a fifth
 * (a smaller heap for the engine's own collectors to walk); a lower threshold (8 MiB) bought 4 MiB more for more CPU.
 * When a wave of requests ends (fewer than half of the most in flight since the last full collection are left, and
 * the heap grew 4 MiB since), the state of the ended ones is collected at once rather than when the next wave has
 * added its own: 0.5 s after a load the binary was at 106 MiB instead of 132–139 (bench/RESULTS.md, seventh session).
 * A full collection sweeps the heap at once rather than leaving it to the engine's incremental sweeper, so the blocks
 * it emptied go back to the allocator before the next wave asks for memory: three bursts of 200 streams peaked
 * ~4 MiB lower (bench/RESULTS.md, eighth session).
 * With nothing in flight its timer stops, and the next request starts it again ({@link BusyCollection.wake}): an idle
 * server is not woken ten times a second to find nothing to do (idle-trim.ts looks after the quiet).
 */
import { edenGC, gcAndSweep } from "bun:jsc";

export interface BusyCollectionOptions {
  /** Requests the HTTP server is still answering, streams included (`Bun.Server.pendingRequests`). */
  pending: () => number;
  /** A young-generation collection; returns the heap's size after it. */
  collectYoung?: () => number;
  /** A full collection and a sweep of the whole heap; returns the heap's size after it. */
  collectFull?: () => number;
  /** How often a busy server is collected. */
  intervalMs?: number;
  /** Growth of the heap after a young collection, over its size after the last full one, that calls for a full one. */
  fullGrowthBytes?: number;
  /**
   * A wave of requests: when at least this many were in flight at once since the last full collection and fewer than
   * half of that are now, the wave's state has mostly ended and a full collection follows (given
   * {@link BusyCollectionOptions.waveGrowthBytes} of growth) rather than waiting for the next wave to add its own.
   */
  waveMinInFlight?: number;
  /** Growth since the last full collection that a wave's end must have left to be worth one. */
  waveGrowthBytes?: number;
}

export interface BusyCollection {
  /** A request came in: the timer runs from now on until a look finds nothing in flight. */
  wake(): void;
  /** Looks once (the timer calls it; tests call it directly). Returns which collection it ran, if any. */
  check(): "young" | "full" | null;
  /** Whether the timer is running. */
  ticking(): boolean;
  stop(): void;
}

const MIB = 1024 * 1024;

export function startBusyCollection({
  pending,
  collectYoung = edenGC,
  collectFull = gcAndSweep,
  intervalMs = 100,
  fullGrowthBytes = 16 * MIB,
  waveMinInFlight = 32,
  waveGrowthBytes = 4 * MIB,
}: BusyCollectionOptions): BusyCollection {
  let afterFull: number | null = null;
  /** The most requests in flight at once since the last full collection. */
  let crest = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const check = (): "young" | "full" | null => {
    const inFlight = pending();
    const waveOpen = crest >= waveMinInFlight;
    if (inFlight === 0 && !waveOpen) {
      stop();
      return null;
    }
    const size = collectYoung();
    afterFull ??= size;
    const waveEnded = waveOpen && inFlight * 2 < crest && size - afterFull >= waveGrowthBytes;
    crest = Math.max(crest, inFlight);
    let collected: "young" | "full" = "young";
    if (waveEnded || size - afterFull >= fullGrowthBytes) {
      afterFull = collectFull();
      crest = inFlight;
      collected = "full";
    } else {
      afterFull = Math.min(afterFull, size);
    }
    // the look after a wave's last request has collected what it could: nothing is left to wait for
    if (inFlight === 0) {
      crest = 0;
      stop();
    }
    return collected;
  };
  const wake = (): void => {
    if (timer) return;
    timer = setInterval(check, intervalMs);
    timer.unref();
  };
  return { wake, check, ticking: () => timer !== null, stop };
}
