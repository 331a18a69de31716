/**
 * @module How a 2026 thinking model reasons on the wire (web-2026.md §6.2–§6.3, §10 item 21): an `analysis`-channel
 * message of `content_type: "thoughts"` whose `thoughts[n].content` grows by appends, then a `reasoning_recap`
 * ("Thought for N seconds"), then the answer on the `final` channel. More effort, more thoughts; a
 * `[[scenario:reasoning]]` turn thinks the scenario's thoughts, the ones its 2024 tool message streams.
 */
import { randomUUID } from "node:crypto";
import { chunkWords } from "../reply-text.ts";
import type { Timeline } from "../timeline.ts";

const THOUGHTS = [
  { summary: "Reading the question", content: "The user wants a short answer. Reading the question carefully." },
  { summary: "Planning the answer", content: "Planning a short, direct answer that repeats what was said." },
  { summary: "Checking the details", content: "Checking the wording once more before answering." },
];

/** `[[scenario:reasoning]]`'s thinking, in both generations: one thought each in 2026, one tool message in 2024. */
export const SCENARIO_THOUGHTS = [
  { summary: "Reading the question", content: "Reading the question carefully." },
  { summary: "Planning the answer", content: "Planning a short, direct answer." },
];

const STEPS_BY_EFFORT: Record<string, number> = { standard: 1, extended: 2, max: 3 };

interface Thought {
  summary: string;
  content: string;
  chunks: string[];
  finished: boolean;
}

function thoughtsOf(content: unknown): Thought[] {
  const list = (content as { thoughts?: unknown }).thoughts;
  if (!Array.isArray(list)) throw new Error("not a thoughts message");
  return list as Thought[];
}

/**
 * Streams the reasoning of one turn after `parentId`; returns the recap's id, the parent of the answer. The
 * reasoning scenario thinks its own thoughts whatever the effort.
 */
export function streamThoughts(t: Timeline, parentId: string, effort: string, scenario: string): string {
  const steps = scenario === "reasoning" ? SCENARIO_THOUGHTS : THOUGHTS.slice(0, STEPS_BY_EFFORT[effort] ?? 1);
  const id = t.start(
    { role: "assistant", channel: "analysis", content: { content_type: "thoughts", thoughts: [], source_analysis_msg_id: randomUUID() }, metadata: { reasoning_status: "is_reasoning" } },
    parentId,
  );
  steps.forEach((step, index) => {
    t.update(id, (m) => {
      thoughtsOf(m.content).push({ summary: step.summary, content: "", chunks: [], finished: false });
    });
    for (const piece of chunkWords(step.content)) {
      t.update(id, (m) => {
        const thought = thoughtsOf(m.content)[index];
        if (thought) thought.content += piece;
      });
    }
    t.update(id, (m) => {
      const thought = thoughtsOf(m.content)[index];
      if (thought) thought.finished = true;
    });
  });
  t.finish(id, null);
  const seconds = steps.length * 3;
  const recap = t.start(
    { role: "assistant", channel: "analysis", content: { content_type: "reasoning_recap", content: `Thought for ${seconds} seconds` }, metadata: { reasoning_status: "reasoning_ended", finished_duration_sec: seconds } },
    id,
  );
  t.finish(recap, null);
  return recap;
}
