/**
 * @module Token counting cost, before and after the linear counter: unbroken runs (the quadratic case of
 * gpt-tokenizer's byte-pair merge) and ordinary text, and the longest event-loop stall while a request counts.
 *
 * Run by hand: `npx bun bench/tokens.bench.ts` (prints a markdown section for bench/RESULTS.md). One measurement
 * per cell, so read them as orders of magnitude on a shared machine.
 *
 * "before" is gpt-tokenizer's own `countTokens` on the whole text (what usage.ts did). Its cost grows with the
 * square of a run's length, so runs above 40,000 characters are not run: the 1 MB figure is extrapolated from the
 * 40,000-character one (× (1,000,000 / 40,000)²) and marked so. "after" is `countTextTokens` with the default
 * per-request budget, "after, all exact" the same counter with no budget (every chunk counted by the tokenizer).
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { randomText } from "../src/translate/__fixtures__/random-text.ts";
import { CountBudget, tokenizerFor } from "../src/translate/token-counter.ts";
import { countTextTokens, countTextTokensInTurns } from "../src/translate/usage.ts";

const MODEL = "gpt-4o";
const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
const BEFORE_LIMIT = 40_000;

/** 1.38 MB of the repository's own prose, tables and code samples (its READMEs), repeated. */
function ordinaryText(length: number): string {
  const root = new URL("..", import.meta.url).pathname;
  const base = ["README.md", "test/emulator/README.md"].map((name) => readFileSync(join(root, name), "utf8")).join("\n\n");
  return base.repeat(Math.ceil(length / base.length)).slice(0, length);
}

function time<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

/** The longest gap between two turns of the event loop while `work` runs. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  await work();
  running = false;
  return longest;
}

const fmt = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

const load = time(() => tokenizerFor(MODEL).count("warm up"));
const library = require("gpt-tokenizer/encoding/o200k_base") as typeof import("gpt-tokenizer/encoding/o200k_base");

const inputs: [string, string][] = [
  ["5,000 × `x`", "x".repeat(5_000)],
  ["20,000 × `x`", "x".repeat(20_000)],
  ["40,000 × `x`", "x".repeat(40_000)],
  ["1,000,000 × `x`", "x".repeat(1_000_000)],
  ["5,000 random letters", randomText(5_000)],
  ["20,000 random letters", randomText(20_000)],
  ["40,000 random letters", randomText(40_000)],
  ["1,000,000 random letters", randomText(1_000_000)],
  ["1.38 MB ordinary text", ordinaryText(1_380_000)],
];

const rows: string[] = [];
const beforeAt40k = new Map<string, number>();
for (const [name, text] of inputs) {
  const kind = name.includes("`x`") ? "x" : name.includes("random") ? "random" : "ordinary";
  let before: string;
  let truth: number | null = null;
  if (text.length <= BEFORE_LIMIT || kind === "ordinary") {
    library.clearMergeCache();
    const measured = time(() => library.countTokens(text, PLAIN));
    truth = measured.value;
    if (text.length === BEFORE_LIMIT) beforeAt40k.set(kind, measured.ms);
    before = fmt(measured.ms);
  } else {
    const at40k = beforeAt40k.get(kind) ?? 0;
    before = `≈ ${fmt(at40k * (text.length / BEFORE_LIMIT) ** 2)} (extrapolated)`;
  }
  library.clearMergeCache();
  const after = time(() => countTextTokens(text, MODEL));
  library.clearMergeCache();
  const exact = time(() => countTextTokens(text, MODEL, CountBudget.unlimited()));
  const reference = truth ?? exact.value;
  const error = (count: number): string => `${(((count - reference) / reference) * 100).toFixed(2)}%`;
  rows.push(
    `| ${name} | ${before} | ${fmt(after.ms)} | ${fmt(exact.ms)} | ${truth ?? "—"} | ${after.value} (${error(after.value)}) | ${exact.value} (${truth === null ? "reference" : error(exact.value)}) |`,
  );
}

library.clearMergeCache();
const stallRun = await longestStall(() => countTextTokensInTurns(randomText(1_000_000), MODEL));
library.clearMergeCache();
const stallProse = await longestStall(() => countTextTokensInTurns(ordinaryText(1_380_000), MODEL));

const model = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? "unknown";
console.log(`## Token counting

\`npx bun bench/tokens.bench.ts\` — 2026-11-30, nproc ${cpus().length}, ${model}, Bun ${Bun.version}; load average (1 min)
${loadavg()[0]?.toFixed(2)} at the end (the 2 cores are shared with other work). o200k_base (\`gpt-4o\`). One measurement per cell.

| input | before: gpt-tokenizer on the whole text | after: \`countTextTokens\` (default budget) | after, all exact | true count | after: count (error) | all exact: count (error) |
|---|---|---|---|---|---|---|
${rows.join("\n")}

"before" above 40,000 characters is extrapolated from the 40,000-character run (× 625 for 1,000,000: the merge is
quadratic in a run's length); it was not run. The true count is gpt-tokenizer's on the whole text where it was run.
Default budget: 2 MiB of ordinary text and 64 KiB of over-long runs counted exactly per request, the rest
extrapolated at the tokens per byte seen so far. Loading the o200k table (first use): ${fmt(load.ms)}, synchronous.

Longest event-loop stall while a request counts with \`countTextTokensInTurns\` (slices, a turn of the loop every
~8 ms): 1,000,000 random letters ${fmt(stallRun)}, 1.38 MB of ordinary text ${fmt(stallProse)}.`);
