import { describe, expect, test } from "bun:test";
import { runTransform } from "./__fixtures__/run-transform.ts";
import { limitOutput, type LimitOutputOptions } from "./limit-output.ts";
import type { RenderedDelta } from "./rendered-delta.ts";
import { countTextTokens } from "./usage.ts";

const start: RenderedDelta = { type: "start", conversationId: "c", messageId: "m" };
const stop: RenderedDelta = { type: "finish", reason: "stop" };

function content(...texts: string[]): RenderedDelta[] {
  return texts.map((text) => ({ type: "content", text }));
}

function limit(options: Omit<LimitOutputOptions, "model">, deltas: RenderedDelta[]): Promise<RenderedDelta[]> {
  return runTransform(limitOutput({ model: "gpt-4o", ...options }), deltas);
}

function joined(deltas: RenderedDelta[]): string {
  return deltas.map((delta) => (delta.type === "content" ? delta.text : "")).join("");
}

describe("limitOutput", () => {
  test("without limits every delta passes unchanged", async () => {
    const deltas = [start, ...content("a", "b"), { type: "reasoning", text: "r" } as const, stop];
    expect(await limit({}, deltas)).toEqual(deltas);
  });

  test("max tokens cuts the content at exactly that many tokens, then finish length", async () => {
    const pieces = ["Once upon a time", " there was a", " tokenizer.\nIt counted", " every word", " twice."];
    const out = await limit({ maxTokens: 9 }, [start, ...content(...pieces), stop]);
    const text = joined(out);
    expect(countTextTokens(text, "gpt-4o")).toBe(9);
    expect(pieces.join("").startsWith(text)).toBe(true);
    expect(out.at(-1)).toEqual({ type: "finish", reason: "length" });
    expect(out.filter((delta) => delta.type === "finish")).toHaveLength(1);
  });

  test.each([1, 5, 12, 20, 33])("max tokens %d over many small deltas and line breaks is exact", async (maxTokens) => {
    const full = "Line one is here.\nLine two follows it.\nAnd 🌍 line three, with émojis and ünïcode.\nLast line.";
    const pieces = full.match(/.{1,3}/gsu) ?? [];
    const out = await limit({ maxTokens }, [start, ...content(...pieces), stop]);
    expect(countTextTokens(joined(out), "gpt-4o")).toBe(Math.min(maxTokens, countTextTokens(full, "gpt-4o")));
    expect(full.startsWith(joined(out))).toBe(true);
  });

  test("content that fits finishes as the upstream did", async () => {
    expect(await limit({ maxTokens: 100 }, [start, ...content("short"), stop])).toEqual([start, ...content("short"), stop]);
  });

  test("a stop sequence split across deltas is found; the text before it is emitted, then finish stop", async () => {
    const out = await limit({ stop: ["END"] }, [start, ...content("abc E", "N", "D and more"), stop]);
    expect(out).toEqual([start, ...content("abc "), { type: "finish", reason: "stop" }]);
  });

  test("only a tail that could start a stop sequence is held back, and released when it does not", async () => {
    const out = await limit({ stop: ["END", "xyz"] }, [start, ...content("abc E", "Nx", "!"), stop]);
    expect(out).toEqual([start, ...content("abc ", "EN", "x!"), stop]);
  });

  test("the earliest of several stop sequences wins", async () => {
    const out = await limit({ stop: ["world", "lo"] }, [start, ...content("hello world"), stop]);
    expect(out).toEqual([start, ...content("hel"), { type: "finish", reason: "stop" }]);
  });

  test("held-back text is released before a failure", async () => {
    const failed: RenderedDelta = { type: "failed", message: "boom" };
    expect(await limit({ stop: ["END"] }, [start, ...content("abc EN"), failed])).toEqual([start, ...content("abc ", "EN"), failed]);
  });

  test("stop and max tokens together: the budget applies to the text before the stop", async () => {
    const out = await limit({ stop: ["STOP"], maxTokens: 2 }, [start, ...content("hello world again STOP"), stop]);
    expect(out).toEqual([start, ...content("hello world"), { type: "finish", reason: "length" }]);
  });

  test("tool calls and upstream items pass untouched, stop sequences and budget notwithstanding", async () => {
    const calls: RenderedDelta[] = [
      { type: "tool-call-start", index: 0, callId: "call_1", name: "write" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"text":"a long END of many, many words' },
      { type: "tool-call-delta", index: 0, argumentsDelta: ' that go on well past the budget END"}' },
      { type: "tool-call-end", index: 0, arguments: '{"text":"a long END of many, many words that go on well past the budget END"}' },
      { type: "output-item", item: { type: "function_call", call_id: "call_1", arguments: "END" } },
    ];
    const finish: RenderedDelta = { type: "finish", reason: "tool_calls", usage: { promptTokens: 1, cachedTokens: 0, completionTokens: 40, reasoningTokens: 0 } };
    expect(await limit({ stop: ["END"], maxTokens: 3 }, [start, ...calls, finish])).toEqual([start, ...calls, finish]);
  });

  test("text held for a possible stop sequence goes out before a call that follows it", async () => {
    const call: RenderedDelta = { type: "tool-call-start", index: 0, callId: "call_1", name: "f" };
    expect(await limit({ stop: ["END"] }, [start, ...content("abc EN"), call, stop])).toEqual([start, ...content("abc ", "EN"), call, stop]);
  });

  test("held text that spends the budget when released ends the reply: the call that follows it never goes out", async () => {
    const call: RenderedDelta = { type: "tool-call-start", index: 0, callId: "call_1", name: "f" };
    expect(await limit({ stop: ["xyz"], maxTokens: 1 }, [start, ...content("helloxy"), call, stop])).toEqual([
      start,
      ...content("hello"),
      { type: "finish", reason: "length" },
    ]);
  });
});
