/**
 * @module Shares of a `bun --cpu-prof` profile by request stage (issue 12): `bun bench/profile-shares.ts FILE.cpuprofile`.
 *
 * Each sample goes to the first stage, walking from the sampled frame towards the root, whose source path a frame
 * matches; samples of native code alone (no project frame on the stack) go to "runtime (streams, HTTP, GC)". Start-up
 * samples (module loading, the tokenizer tables' load) are counted apart so that the shares are of the request path.
 * Samples are counted, not weighted by their time deltas: a delta also holds the time the thread slept.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const STAGES: [string, RegExp][] = [
  ["start-up (module load, tokenizer tables)", /loadEncoding|\(module\)|^require$/],
  ["tokenizer", /gpt-tokenizer|token-counter|reply-tokens|translate\/bpe\//],
  ["request log", /src\/store\//],
  ["sentinel + PoW", /engines\/web\/(pow|sentinel|gen20)/],
  ["upstream fetch + SSE decode", /engines\/web\/(session|conversation|sse|requirements|client)/],
  ["translation + SSE writing", /src\/translate\/|src\/http\//],
  ["reply pipeline (src/reply, engines/web other)", /src\/reply\/|src\/engines\//],
  ["routing + validation (Elysia, modules)", /elysia|src\/modules\/|src\/app|typebox/],
];

const profile = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as { nodes: ProfileNode[]; samples: number[] };
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

function framesOf(leaf: number): string[] {
  const frames: string[] = [];
  for (let id: number | undefined = leaf; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id)?.callFrame;
    if (frame) frames.push(`${frame.url} ${frame.functionName}`);
  }
  return frames;
}

function stageOf(leaf: number): string {
  const idle = nodes.get(leaf)?.callFrame.functionName;
  if (idle === "(idle)" || idle === "(program)" || idle === "(root)") return "idle";
  const frames = framesOf(leaf);
  // a table load or module evaluation anywhere below counts as start-up, whatever runs at the leaf
  const [startUp, startUpPattern] = STAGES[0] ?? ["", /$^/];
  if (frames.some((frame) => startUpPattern.test(frame.split(" ")[1] ?? ""))) return startUp;
  for (const frame of frames) for (const [stage, pattern] of STAGES.slice(1)) if (pattern.test(frame)) return stage;
  return "runtime (streams, HTTP, GC)";
}

const counts = new Map<string, number>();
for (const sample of profile.samples) {
  const stage = stageOf(sample);
  counts.set(stage, (counts.get(stage) ?? 0) + 1);
}
const startUp = STAGES[0]?.[0] ?? "";
const busy = [...counts].filter(([stage]) => stage !== "idle" && stage !== startUp).reduce((sum, [, n]) => sum + n, 0);
console.log(`${profile.samples.length} samples; idle ${counts.get("idle") ?? 0}, start-up ${counts.get(startUp) ?? 0}, request path ${busy}`);
console.log("| stage | share of request-path samples |\n|---|---|");
for (const [stage, n] of [...counts].sort((a, b) => b[1] - a[1])) {
  if (stage === "idle" || stage === startUp) continue;
  console.log(`| ${stage} | ${((n / busy) * 100).toFixed(1)}% |`);
}
