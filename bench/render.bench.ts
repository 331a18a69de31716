/**
 * @module What rendering a long answer costs: an N-MB answer streamed as delta-v1 appends, decoded by the real
 * decoder and rendered by `createRenderer`, one event at a time as the server does.
 *
 * Run by hand: `npx bun bench/render.bench.ts [sizes in MB, default 1 5 20] [--piece=<chars>, default 32768]`.
 * Prints a markdown table for bench/RESULTS.md. One measurement per cell on a shared machine: read orders of
 * magnitude.
 *
 * Why: the renderer once recomputed the visible text of the whole message on every event, so an answer cost the
 * square of its length in time, and every event left a full-length copy behind that the deltas cut from it kept
 * alive. "decode + render" is the whole pipeline, "decode only" the same stream without a renderer (the part of
 * the time that is not the renderer's); "rate" is the answer's size over the whole; "heap held" is the heap
 * still in use after the run (garbage collected) while the rendered deltas are kept, as a client that stops reading
 * leaves them queued: the answer itself, about its size, is the floor (JSC's collector is conservative, so a few MB
 * either way are noise).
 */
import { pullThrough } from "../src/streams/pull-through.ts";
import { cpus, loadavg } from "node:os";
import { createConversationDecoder } from "../src/engines/web/sse/conversation-decoder.ts";
import type { UpstreamEvent } from "../src/engines/web/events.ts";
import { createRenderer, type RenderedDelta } from "../src/translate/render-events.ts";

const MB = 1024 * 1024;
const args = process.argv.slice(2);
const piece = Number(args.find((arg) => arg.startsWith("--piece="))?.slice("--piece=".length) ?? 32 * 1024);
const sizes = args.filter((arg) => !arg.startsWith("--")).map(Number);
if (sizes.length === 0) sizes.push(1, 5, 20);

/** Prose with the characters the renderer looks at (parentheses, brackets, newlines), but no marker or link. */
const WORDS = "The answer (as streamed) goes on [with notes] and lists:\n- one item, then another; ".repeat(2000);

/** The answer's text, in the pieces the upstream appends. */
function pieces(chars: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < chars; at += piece) {
    const offset = at % (WORDS.length - piece);
    out.push(WORDS.slice(offset, offset + Math.min(piece, chars - at)));
  }
  return out;
}

function sseEvents(text: readonly string[]): string[] {
  const events = [
    JSON.stringify({
      p: "",
      o: "add",
      c: 0,
      v: {
        message: {
          id: "m-1",
          author: { role: "assistant", name: null, metadata: {} },
          content: { content_type: "text", parts: [""] },
          status: "in_progress",
          end_turn: null,
          recipient: "all",
          metadata: {},
        },
        conversation_id: "c-1",
        error: null,
      },
    }),
  ];
  for (const v of text) events.push(JSON.stringify({ p: "/message/content/parts/0", o: "append", v }));
  events.push(
    JSON.stringify({
      p: "",
      o: "patch",
      v: [
        { p: "/message/status", o: "replace", v: "finished_successfully" },
        { p: "/message/end_turn", o: "replace", v: true },
      ],
    }),
  );
  return events;
}

async function run(events: string[], render: boolean): Promise<{ ms: number; deltas: RenderedDelta[] }> {
  const decoder = createConversationDecoder();
  const deltas: RenderedDelta[] = [];
  const started = performance.now();
  if (!render) {
    for (const data of events) decoder.feed({ event: "delta", data });
    return { ms: performance.now() - started, deltas };
  }
  const decoded = new ReadableStream<UpstreamEvent>({
    start(controller) {
      for (const data of events) for (const event of decoder.feed({ event: "delta", data })) controller.enqueue(event);
      controller.close();
    },
  });
  const reader = pullThrough(decoded, createRenderer({ reasoningDisplay: "field" })).getReader();
  for (let result = await reader.read(); !result.done; result = await reader.read()) deltas.push(result.value);
  return { ms: performance.now() - started, deltas };
}

const heap = (): number => {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
};

const rate = (size: number, ms: number): string => {
  const perSecond = size / (ms / 1000);
  return `${perSecond.toFixed(perSecond < 10 ? 2 : 0)} MB/s`;
};

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

// the first run pays for the JIT: a small answer first, not measured
await run(sseEvents(pieces(MB / 8)), true);

const rows: string[] = [];
for (const size of sizes) {
  const answer = pieces(Math.round(size * MB));
  const events = sseEvents(answer);
  const decodeOnly = await run(events, false);
  const before = heap();
  const rendered = await run(events, true);
  const held = heap() - before;
  const right =
    rendered.deltas.at(-1)?.type === "finish" &&
    rendered.deltas.map((delta) => (delta.type === "content" ? delta.text : "")).join("") === answer.join("");
  if (!right) throw new Error(`${size} MB: the rendered text is not the answer`);
  rows.push(
    `| ${size} MB | ${events.length - 2} | ${fmt(decodeOnly.ms)} | ${fmt(rendered.ms)} | ${rate(size, rendered.ms)} | ${(held / MB).toFixed(0)} MB |`,
  );
  console.error(rows.at(-1));
}

console.log(`\`npx bun bench/render.bench.ts ${sizes.join(" ")} --piece=${piece}\` — ${new Date().toISOString().slice(0, 10)}, nproc ${cpus().length}, ${cpus()[0]?.model ?? "?"}, Bun ${Bun.version}; load average (1 min) ${loadavg()[0]?.toFixed(2)} at the end.
Appends of ${piece} characters.

| answer | appends | decode only | decode + render | rate | heap held, deltas kept |
|---|---|---|---|---|---|
${rows.join("\n")}`);
