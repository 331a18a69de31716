/**
 * @module The tokenizer tables' cost (issue 12): resident memory and load time of each encoding's table, and the
 * throughput of `count()` on 1 MB of prose against gpt-tokenizer's own `countTokens`.
 *
 * Run by hand: `npx bun bench/tokenizer-tables.bench.ts` (prints a markdown section for bench/RESULTS.md). Memory
 * is measured in a fresh process per figure: RSS after a full GC and 2 s, before and after the first
 * `tokenizerFor`. "JIT warm" first runs unrelated hot code, as a started server has: the process's first optimised
 * function costs several MiB of its own, which a bare process would otherwise charge to the table.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const MiB = 1024 * 1024;

/** What the child process prints: RSS before and after loading, and the load's milliseconds. */
interface TableCost {
  before: number;
  after: number;
  loadMs: number;
}

function childScript(model: string, warm: boolean, library: boolean): string {
  const load = library
    ? `require(${JSON.stringify(model === "gpt-4o" ? "gpt-tokenizer/encoding/o200k_base" : "gpt-tokenizer/encoding/cl100k_base")}).countTokens("warm up")`
    : `tokenizerFor(${JSON.stringify(model)}).count("warm up")`;
  return `
    const { tokenizerFor } = await import(${JSON.stringify(join(ROOT, "src/translate/token-counter.ts"))});
    const settle = async () => { Bun.gc(true); await Bun.sleep(2000); Bun.gc(true); return process.memoryUsage().rss; };
    if (${warm}) {
      const churn = (n) => { let h = 0; const a = new Uint8Array(4096); for (let i = 0; i < n; i++) { a[i & 4095] = i; h = Math.imul(h ^ a[(i * 7) & 4095], 16777619); } return h; };
      let sink = 0; for (let k = 0; k < 5; k++) sink += churn(3_000_000) + "a b c".repeat(9999).split(" ").length;
      globalThis.sink = sink;
    }
    const before = await settle();
    const started = performance.now();
    ${load};
    const loadMs = performance.now() - started;
    console.log(JSON.stringify({ before, after: await settle(), loadMs }));
  `;
}

function tableCost(model: string, warm: boolean, library = false): TableCost {
  const run = Bun.spawnSync([process.execPath, "--eval", childScript(model, warm, library)], { cwd: ROOT, stdout: "pipe", stderr: "inherit" });
  return JSON.parse(run.stdout.toString()) as TableCost;
}

/** 1 MB of the repository's READMEs (prose, tables, code), repeated. */
function prose(length: number): string {
  const base = ["README.md", "test/emulator/README.md"].map((name) => readFileSync(join(ROOT, name), "utf8")).join("\n\n");
  return base.repeat(Math.ceil(length / base.length)).slice(0, length);
}

function bestOf(runs: number, work: () => number): { ms: number; tokens: number } {
  let ms = Number.POSITIVE_INFINITY;
  let tokens = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    tokens = work();
    ms = Math.min(ms, performance.now() - started);
  }
  return { ms, tokens };
}

const mib = (bytes: number): string => (bytes / MiB).toFixed(1);
const rows: string[] = [];
for (const [name, model] of [
  ["o200k_base", "gpt-4o"],
  ["cl100k_base", "gpt-3.5-turbo"],
] as const) {
  const library = tableCost(model, false, true);
  const cold = tableCost(model, false);
  const warm = tableCost(model, true);
  rows.push(
    `| ${name} | +${mib(library.after - library.before)} MiB, ${library.loadMs.toFixed(0)} ms | +${mib(cold.after - cold.before)} MiB, ${cold.loadMs.toFixed(0)} ms | +${mib(warm.after - warm.before)} MiB, ${warm.loadMs.toFixed(0)} ms |`,
  );
}

const { tokenizerFor } = await import("../src/translate/token-counter.ts");
const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
const library = require("gpt-tokenizer/encoding/o200k_base") as typeof import("gpt-tokenizer/encoding/o200k_base");
const text = prose(1_000_000);
const ours = tokenizerFor("gpt-4o");
const oursFirst = bestOf(1, () => ours.count(text));
const oursBest = bestOf(5, () => ours.count(text));
library.clearMergeCache();
const libraryFirst = bestOf(1, () => library.countTokens(text, PLAIN));
const libraryBest = bestOf(5, () => library.countTokens(text, PLAIN));
if (oursBest.tokens !== libraryBest.tokens) throw new Error(`counts differ: ${oursBest.tokens} vs ${libraryBest.tokens}`);
const rate = (ms: number): string => `${(1000 / ms).toFixed(1)} MB/s`;

console.log(`## Tokenizer tables (issue 12)

${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average ${loadavg()
  .map((load) => load.toFixed(2))
  .join(" ")} (\`npx bun bench/tokenizer-tables.bench.ts\`). RSS added by the first use of a table (fresh process
each, after a full GC and 2 s) and the time that first use took.

| encoding | gpt-tokenizer 4.0.0 | own tables, bare process | own tables, JIT warm |
| --- | --- | --- | --- |
${rows.join("\n")}

\`count()\` of 1 MB of prose (the READMEs repeated, o200k_base, ${oursBest.tokens} tokens): own tables
${oursFirst.ms.toFixed(0)} ms first run, ${oursBest.ms.toFixed(0)} ms best of 5 (${rate(oursBest.ms)}); gpt-tokenizer's
\`countTokens\` ${libraryFirst.ms.toFixed(0)} ms first run (merge cache emptied), ${libraryBest.ms.toFixed(0)} ms best of 5
(${rate(libraryBest.ms)}, its 100,000-piece merge cache warm).`);
