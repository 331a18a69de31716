/**
 * @module Idle memory of two compiled servers, split by what holds it (issue 12): `bun bench/idle-memory.bench.ts A B
 * [--runs N] [--chats N] [--quiet-ms N]`, where A and B are compiled servers (`npm run build`, or the floor of
 * `upstream-floor-server.ts`).
 *
 * Per run both start afresh, answer `--chats` non-stream chats at c=16 (in turns, against one emulator), and stay
 * quiet for `--quiet-ms` (40 s by default: chat2api's idle trim runs after 30 s without a request in flight). Then
 * /proc/PID/smaps splits each one's RSS into anonymous memory (the heaps: what the process owns) and pages of files,
 * the executable's by mapping: its code, its read-only data, and its writable segment, which in a compiled Bun
 * binary holds the embedded bundle (the `.bun` section: sources, bytecode, assets). File pages that were never written
 * are clean: the kernel can drop them whenever it needs the memory and read them again on the next touch, so they
 * weigh less than the same RSS of heap. Both binaries should be fresh copies: a file just written or copied shows
 * 2–4 MiB more file-backed RSS (bench/RESULTS.md, eighth session).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename } from "node:path";
import { argument, load, median } from "./load.ts";
import { startServerPair, twoBinaries } from "./server-pair.ts";

const runs = Number(argument("--runs") ?? 3);
const chats = Number(argument("--chats") ?? 5000);
const quietMs = Number(argument("--quiet-ms") ?? 40_000);

/** KiB of RSS by holder. */
interface Split {
  rss: number;
  anonymous: number;
  code: number;
  readOnly: number;
  bundle: number;
  otherFiles: number;
}
const COLUMNS: [keyof Split, string][] = [
  ["rss", "RSS"],
  ["anonymous", "anonymous"],
  ["code", "binary code (r-x)"],
  ["readOnly", "binary read-only (r--)"],
  ["bundle", "binary writable segment, bundle (rw-)"],
  ["otherFiles", "other files"],
];

/** The split of one process's smaps; `binary` names the executable's own mappings. */
function splitSmaps(smaps: string, binary: string): Split {
  const split: Split = { rss: 0, anonymous: 0, code: 0, readOnly: 0, bundle: 0, otherFiles: 0 };
  let path = "";
  let perms = "";
  let rss = 0;
  for (const line of smaps.split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      perms = head[1] ?? "";
      path = head[2] ?? "";
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    const kib = Number(field[2]);
    if (field[1] === "Rss") {
      rss = kib;
      split.rss += kib;
      continue;
    }
    split.anonymous += kib;
    // the mapping's file pages: Rss less what was copied on write (anonymous)
    const file = rss - kib;
    if (path !== binary) split.otherFiles += path.startsWith("/") ? file : 0;
    else if (perms.startsWith("r-x")) split.code += file;
    else if (perms.startsWith("rw")) split.bundle += file;
    else split.readOnly += file;
  }
  return split;
}

const mib = (kib: number) => (kib / 1024).toFixed(1);

async function oneRun(binaries: [string, string], run: number): Promise<Split[]> {
  const pair = startServerPair(binaries, { port: 5356 });
  try {
    await pair.ready();
    const order = run % 2 === 0 ? pair.servers : [...pair.servers].reverse();
    for (let done = 0; done < chats; done += 1000) for (const server of order) await load(server.chat, Math.min(1000, chats - done), 16);
    await Bun.sleep(quietMs);
    return pair.servers.map((server) => splitSmaps(readFileSync(`/proc/${server.process.pid}/smaps`, "utf8"), server.binary));
  } finally {
    await pair.stop();
  }
}

if (import.meta.main) {
  const binaries = twoBinaries("bun bench/idle-memory.bench.ts BINARY_A BINARY_B [--runs N] [--chats N] [--quiet-ms N]");
  const results: Split[][] = [[], []];
  for (let run = 0; run < runs; run++) {
    const splits = await oneRun(binaries, run);
    splits.forEach((split, i) => results[i]?.push(split));
    console.log(`run ${run + 1} (load ${loadavg()[0]?.toFixed(1)}): ${splits.map((split, i) => `${basename(binaries[i] ?? "")} ${mib(split.rss)} MiB (anonymous ${mib(split.anonymous)})`).join(", ")}`);
  }
  console.log(`\n| MiB, median of ${runs} (${chats} chats, then ${quietMs / 1000} s quiet) | ${binaries.map((binary) => basename(binary)).join(" | ")} | difference |`);
  console.log(`|---|---|---|---|`);
  for (const [key, label] of COLUMNS) {
    const [a, b] = results.map((splits) => median(splits.map((split) => split[key]))) as [number, number];
    console.log(`| ${label} | ${mib(a)} | ${mib(b)} | ${b - a >= 0 ? "+" : ""}${mib(b - a)} |`);
  }
}
