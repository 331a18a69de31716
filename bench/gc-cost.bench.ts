/**
 * @module What garbage collection costs per chat, from the engine's own log (issue 12): `bun bench/gc-cost.bench.ts A B
 * [--requests N] [--warmup N]`, where A and B are compiled servers (`npm run build`, or the floor of
 * `upstream-floor-server.ts`).
 *
 * Both run with `BUN_JSC_logGC=1` against one emulator; after `--warmup` non-stream chats at c=16 each (in turns),
 * `--requests` more are sent to each and the collections logged meanwhile are counted: young (eden) and full ones,
 * their summed cycle times (the log's `cycle … ms` of each collection, and `Full sweep … ms` of the synchronous sweeps
 * chat2api's busy collection asks for), per chat, and the heap before and after.
 *
 * Why not a CPU profile: under `bun --cpu-prof` the busy collection's collections took six times more of the main
 * thread's samples than this log gives them time (bench/RESULTS.md, tenth session), and switching that collection off
 * did not change the CPU a chat costs; the profiler itself makes collections dearer (it keeps what it sampled until
 * it writes the profile). Logging costs a little too, so the CPU of these runs is not compared.
 */
import { loadavg } from "node:os";
import { argument, load } from "./load.ts";
import { startServerPair, twoBinaries } from "./server-pair.ts";

const requests = Number(argument("--requests") ?? 8000);
const warmup = Number(argument("--warmup") ?? 20_000);

export interface CollectionSummary {
  eden: number;
  full: number;
  /** Summed cycle times of the collections, ms. */
  cycleMs: number;
  /** Summed times of the synchronous full sweeps, ms. */
  sweepMs: number;
  /** Mean heap size when a collection started and when it ended, KiB. */
  heapBeforeKiB: number;
  heapAfterKiB: number;
}

/** Sums the collections in a stretch of JSC's `logGC` output. */
export function summarizeGcLog(text: string): CollectionSummary {
  // a long collection logs its start and its end on lines of their own: kinds are counted from the starts
  const kinds = [...text.matchAll(/START \S+ \d+kb => (EdenCollection|FullCollection)/g)].map((match) => match[1]);
  const eden = kinds.filter((kind) => kind === "EdenCollection").length;
  const sum = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  // the heap's size at a collection's start and at its end, wherever the end was logged
  const sizes = [...text.matchAll(/START \S+ (\d+)kb => \w+Collection,.*?=> (\d+)kb, p=[\d.]+ms/gs)];
  const mean = (index: 1 | 2) => (sizes.length === 0 ? 0 : sizes.reduce((total, match) => total + Number(match[index]), 0) / sizes.length);
  return {
    eden,
    full: kinds.length - eden,
    cycleMs: sum(/cycle ([\d.]+)ms END/g),
    sweepMs: sum(/Full sweep: .*?, ([\d.]+)ms/g),
    heapBeforeKiB: mean(1),
    heapAfterKiB: mean(2),
  };
}

/** Collects a child's stderr as it comes (a pipe nobody reads would stall the server once full). */
function collect(stream: ReadableStream<Uint8Array>): { text: () => string } {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  void (async () => {
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(decoder.decode(chunk, { stream: true }));
  })();
  return { text: () => parts.join("") };
}

if (import.meta.main) {
  const binaries = twoBinaries("bun bench/gc-cost.bench.ts BINARY_A BINARY_B [--requests N] [--warmup N]");
  const pair = startServerPair(binaries, { port: 5366, serverEnv: { BUN_JSC_logGC: "1" }, stderr: "pipe" });
  const servers = pair.servers.map((server) => ({ ...server, log: collect(server.process.stderr as ReadableStream<Uint8Array>) }));
  try {
    await pair.ready();
    for (let done = 0; done < warmup; done += 2000) for (const server of servers) await load(server.chat, Math.min(2000, warmup - done), 16);
    console.log(`| binary | chats | eden / full collections | cycles + full sweeps, ms | ms per chat | heap at a collection → after, MiB | load |`);
    console.log(`|---|---|---|---|---|---|---|`);
    for (const server of servers) {
      // a line cut at either end of the stretch matches no pattern: at most one collection is missed
      const from = server.log.text().length;
      await load(server.chat, requests, 16);
      const summary = summarizeGcLog(server.log.text().slice(from));
      const total = summary.cycleMs + summary.sweepMs;
      console.log(
        `| ${server.name} | ${requests} | ${summary.eden} / ${summary.full} | ${summary.cycleMs.toFixed(0)} + ${summary.sweepMs.toFixed(0)} | ${(total / requests).toFixed(4)} | ${(summary.heapBeforeKiB / 1024).toFixed(1)} → ${(summary.heapAfterKiB / 1024).toFixed(1)} | ${loadavg()[0]?.toFixed(1)} |`,
      );
    }
  } finally {
    await pair.stop();
  }
}
