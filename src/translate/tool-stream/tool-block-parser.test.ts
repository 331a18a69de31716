/**
 * The tool-block parser on the cases of tool-calls.md §2: each reply gives the same content, calls and refusals
 * whole, split at every UTF-16 position, split at every UTF-8 byte (decoded as the web client decodes), one unit at a
 * time, and cut at random points (fast-check). Text that cannot begin a tag is never held back; arguments stream.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { allCases, declaredTools, type ExpectedCall, type ReplyCase } from "./__fixtures__/tool-reply-cases.ts";
import { ToolBlockParser, type CallRefusal, type ParsedDelta, type RefusedBlock, type ToolBlockParserOptions } from "./tool-block-parser.ts";

interface Outcome {
  content: string;
  calls: ExpectedCall[];
  refused: CallRefusal[];
}

interface Run {
  outcome: Outcome;
  deltas: ParsedDelta[];
  /** What each push (then `end`) returned. */
  steps: ParsedDelta[][];
  refusals: RefusedBlock[];
}

/** Half a surrogate pair at the end of a delta: a client decoding deltas one by one would see a broken character. */
const endsInHalfPair = (text: string): boolean => /[\ud800-\udbff]$/.test(text);

/** Checks what holds for every delta sequence, and reduces it to what the client ends up with. */
function settle(deltas: ParsedDelta[]): Omit<Outcome, "refused"> {
  const started = new Map<number, { name: string; custom: boolean; streamed: string; ended: string | null }>();
  const ids = new Set<string>();
  let content = "";
  for (const delta of deltas) {
    if (delta.type === "content") {
      expect(delta.text).not.toBe("");
      expect(endsInHalfPair(delta.text)).toBe(false);
      content += delta.text;
    } else if (delta.type === "tool-call-start") {
      expect(started.has(delta.index)).toBe(false);
      expect(delta.callId).toMatch(/^call_[A-Za-z0-9]{24}$/);
      expect(ids.has(delta.callId)).toBe(false);
      ids.add(delta.callId);
      started.set(delta.index, { name: delta.name, custom: delta.custom === true, streamed: "", ended: null });
    } else {
      const call = started.get(delta.index);
      expect(call?.ended).toBeNull();
      if (!call) continue;
      if (delta.type === "tool-call-delta") {
        expect(delta.argumentsDelta).not.toBe("");
        expect(endsInHalfPair(delta.argumentsDelta)).toBe(false);
        call.streamed += delta.argumentsDelta;
      } else {
        // the fragments add up to the arguments, so a writer never has to send a correction
        expect(delta.arguments).toBe(call.streamed);
        call.ended = delta.arguments;
      }
    }
  }
  const indexes = [...started.keys()];
  expect(indexes).toEqual(indexes.map((_, position) => position));
  const calls = [...started.values()].flatMap(({ name, custom, ended }) => (ended === null ? [] : [custom ? { name, arguments: ended, custom: true as const } : { name, arguments: ended }]));
  return { content, calls };
}

function run(chunks: readonly string[], options: Partial<ToolBlockParserOptions> = {}): Run {
  const refusals: RefusedBlock[] = [];
  const parser = new ToolBlockParser({ tools: declaredTools, onRefused: (block) => refusals.push(block), ...options });
  const steps = [...chunks.map((chunk) => parser.push(chunk)), parser.end()];
  const deltas = steps.flat();
  return { outcome: { ...settle(deltas), refused: refusals.map((block) => block.reason) }, deltas, steps, refusals };
}

function expected(reply: ReplyCase): Outcome {
  return { content: reply.content, calls: reply.calls, refused: reply.refused };
}

/** Cuts `text` at the given UTF-16 positions. */
function cutAt(text: string, positions: readonly number[]): string[] {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const at of sorted) {
    pieces.push(text.slice(from, at));
    from = at;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** Cuts the UTF-8 bytes of `text` at the given positions and decodes them as a stream, as the web client does. */
function cutBytesAt(text: string, positions: readonly number[]): string[] {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const at of [...sorted, bytes.length]) {
    pieces.push(decoder.decode(bytes.subarray(from, at), { stream: true }));
    from = at;
  }
  pieces.push(decoder.decode());
  return pieces;
}

describe.each(allCases)("$name", (reply) => {
  const options = { parallel: reply.parallel ?? true };

  test("whole", () => {
    expect(run([reply.reply], options).outcome).toEqual(expected(reply));
  });

  test("split at every UTF-16 position", () => {
    for (let at = 0; at <= reply.reply.length; at++) expect(run(cutAt(reply.reply, [at]), options).outcome).toEqual(expected(reply));
  });

  test("split at every UTF-8 byte", () => {
    const length = new TextEncoder().encode(reply.reply).length;
    for (let at = 0; at <= length; at++) expect(run(cutBytesAt(reply.reply, [at]), options).outcome).toEqual(expected(reply));
  });

  test("one UTF-16 unit at a time", () => {
    expect(run(reply.reply.split(""), options).outcome).toEqual(expected(reply));
  });

  test("cut at random points (UTF-16 units and UTF-8 bytes)", () => {
    const bytes = new TextEncoder().encode(reply.reply).length;
    fc.assert(
      fc.property(fc.array(fc.nat(reply.reply.length), { maxLength: 12 }), fc.array(fc.nat(bytes), { maxLength: 12 }), (units, byteCuts) => {
        expect(run(cutAt(reply.reply, units), options).outcome).toEqual(expected(reply));
        expect(run(cutBytesAt(reply.reply, byteCuts), options).outcome).toEqual(expected(reply));
      }),
      { numRuns: 150 },
    );
  });

  test("without streaming the arguments, the same calls, each sent whole when its block is complete", () => {
    const { outcome, deltas } = run(reply.reply.split(""), { ...options, streamArguments: false });
    expect(outcome).toEqual(expected(reply));
    const calls = deltas.filter((delta) => delta.type !== "content");
    expect(calls.filter((delta) => delta.type === "tool-call-delta").length).toBeLessThanOrEqual(reply.calls.length);
  });
});

/** The text a push may keep back: a trailing proper prefix of `<tool_call>`, else a trailing high surrogate. */
function heldSuffix(text: string): string {
  for (let at = Math.max(0, text.length - 10); at < text.length; at++) {
    if (text[at] === "<" && "<tool_call>".startsWith(text.slice(at))) return text.slice(at);
  }
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? (text.at(-1) as string) : "";
}

describe("no added delay for text", () => {
  test("a chunk that cannot begin a tag is returned by the push that brought it", () => {
    const alphabet = fc.constantFrom("a", " ", "\n", "é", "東", "🌍", "t", "o", "l", "_", "c", "<", ">", "/", "{");
    fc.assert(
      fc.property(fc.array(fc.array(alphabet, { maxLength: 12 }).map((units) => units.join("")), { maxLength: 20 }), (texts) => {
        const whole = texts.join("");
        fc.pre(!whole.includes("<tool_call>"));
        const parser = new ToolBlockParser({ tools: declaredTools });
        let pushed = "";
        let emitted = "";
        for (const text of texts) {
          pushed += text;
          emitted += parser.push(text).map((delta) => (delta.type === "content" ? delta.text : "")).join("");
          // everything but a possible tag start at the very end is out already
          expect(emitted).toBe(pushed.slice(0, pushed.length - heldSuffix(pushed).length));
        }
        emitted += parser.end().map((delta) => (delta.type === "content" ? delta.text : "")).join("");
        expect(emitted).toBe(whole);
      }),
      { numRuns: 1000 },
    );
  });

  test("plain chunks come back as one content delta each, unchanged", () => {
    const chunks = ["Paris ", "is sunny", " today (21 °C", "), a < b, ", "🌍", "<b>done</b>"];
    const { steps } = run(chunks);
    expect(steps).toEqual([...chunks.map((text) => [{ type: "content" as const, text }]), []]);
  });

  test("a tag prefix is held only until it stops being one", () => {
    const { steps } = run(["Use <to", "ol", "s> here"]);
    expect(steps).toEqual([[{ type: "content", text: "Use " }], [], [{ type: "content", text: "<tools> here" }], []]);
  });

  test("a surrogate pair split across chunks is never sent in halves", () => {
    const { steps } = run(["a\ud83c", "\udf0d b"]);
    expect(steps).toEqual([[{ type: "content", text: "a" }], [{ type: "content", text: "🌍 b" }], []]);
  });
});

describe("streaming the arguments", () => {
  const reply = 'OK.<tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}</tool_call>';

  test("the call starts when its arguments begin, and each chunk's arguments follow at once", () => {
    const until = (text: string): number => reply.indexOf(text) + text.length;
    const chunks = cutAt(reply, [until('"arguments": '), until('"arguments": {'), until('"Pa'), until("3}"), until("}}")]);
    const { steps } = run(chunks, { newCallId: () => "call_000000000000000000000001" });
    expect(steps).toEqual([
      [{ type: "content", text: "OK." }],
      [{ type: "tool-call-start", index: 0, callId: "call_000000000000000000000001", name: "get_weather" }, { type: "tool-call-delta", index: 0, argumentsDelta: "{" }],
      [{ type: "tool-call-delta", index: 0, argumentsDelta: '"city": "Pa' }],
      [{ type: "tool-call-delta", index: 0, argumentsDelta: 'ris", "days": 3}' }],
      [],
      [{ type: "tool-call-end", index: 0, arguments: '{"city": "Paris", "days": 3}' }],
      [],
    ]);
  });

  test("string-form arguments stream decoded", () => {
    const { deltas } = run(['<tool_call>{"name": "get_weather", "arguments": "{\\"ci', 'ty\\": \\"Paris\\"}"}</tool_call>']);
    expect(deltas.filter((delta) => delta.type === "tool-call-delta")).toEqual([
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"ci' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'ty": "Paris"}' },
    ]);
  });

  test("a block that fails after its call started is given back as text, its call unended, and flagged", () => {
    const text = '<tool_call>{"name": "get_weather", "arguments": {"city": Paris}}</tool_call>';
    const { deltas, refusals, outcome } = run(cutAt(text, [text.indexOf("Paris")]));
    expect(deltas.map((delta) => delta.type)).toEqual(["tool-call-start", "tool-call-delta", "content"]);
    expect(outcome).toEqual({ content: text, calls: [], refused: ["invalid-json"] });
    expect(refusals).toEqual([{ reason: "invalid-json", name: "get_weather", text: text.slice(0, text.indexOf("Paris")), afterStart: true }]);
  });

  test("with streamArguments false nothing is announced before the block is complete", () => {
    const text = '<tool_call>{"name": "get_weather", "arguments": {"city": Paris}}</tool_call>';
    const { deltas, refusals } = run(cutAt(text, [text.indexOf("Paris")]), { streamArguments: false });
    expect(deltas).toEqual([{ type: "content", text }]);
    expect(refusals[0]?.afterStart).toBe(false);
  });

  test("a custom tool's input is sent whole when its block completes", () => {
    const text = '<tool_call>{"name": "apply_patch", "arguments": {"input": "a\\nb"}}</tool_call>';
    const { steps } = run(cutAt(text, [30, 60]), { newCallId: () => "call_custom000000000000000001" });
    expect(steps).toEqual([
      [],
      [],
      [
        { type: "tool-call-start", index: 0, callId: "call_custom000000000000000001", name: "apply_patch", custom: true },
        { type: "tool-call-delta", index: 0, argumentsDelta: "a\nb" },
        { type: "tool-call-end", index: 0, arguments: "a\nb" },
      ],
      [],
    ]);
  });

  test("refused blocks report their name and text", () => {
    const { refusals } = run(['x<tool_call>{"name": "get_stock", "arguments": {}}</tool_call>']);
    expect(refusals).toEqual([{ reason: "undeclared-name", name: "get_stock", text: '<tool_call>{"name": "get_stock"', afterStart: false }]);
  });
});

describe("abandon", () => {
  test("a failed reply gives back its held text and unfinished block, and commits nothing", () => {
    const parser = new ToolBlockParser({ tools: declaredTools, streamArguments: false });
    expect(parser.push('Hi <tool_call>{"name": "get_weather", "arguments": {}}')).toEqual([{ type: "content", text: "Hi " }]);
    expect(parser.abandon()).toEqual([{ type: "content", text: '<tool_call>{"name": "get_weather", "arguments": {}}' }]);
    expect(parser.completedCalls).toBe(0);
  });
});

describe("generated replies", () => {
  const alphabet = fc.constantFrom("a", " ", "\n", "é", "🌍", "<", ">", "t", "o", "l", "_", "c", "{", "}", '"', "`");
  const text = fc.array(alphabet, { maxLength: 20 }).map((units) => units.join(""));
  const args = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  const blockSpec = fc.record({
    name: fc.constantFrom("get_weather", "get_time"),
    args,
    pretty: fc.boolean(),
    fence: fc.constantFrom("", "```", "```json\n"),
    asString: fc.boolean(),
    key: fc.constantFrom("arguments", "parameters"),
    space: fc.constantFrom("", "\n", "  \n\t"),
  });

  test("text before, then calls with any mix of the deviations, cut anywhere: that text and those calls", () => {
    fc.assert(
      fc.property(text, fc.array(blockSpec, { minLength: 1, maxLength: 3 }), fc.boolean(), text, fc.array(fc.nat(), { maxLength: 10 }), (before, specs, closeLast, after, cuts) => {
        fc.pre(!before.includes("<tool_call>") && !after.includes("<tool_call>"));
        const blocks = specs.map((spec, index) => {
          const argumentsText = JSON.stringify(spec.args, null, spec.pretty ? 2 : undefined);
          const value = spec.asString ? JSON.stringify(argumentsText) : argumentsText;
          const json = `{"name": ${JSON.stringify(spec.name)},${spec.space}"${spec.key}": ${value}}`;
          const fenced = spec.fence === "" ? json : `${spec.fence}${json}${spec.space}\`\`\``;
          const last = index === specs.length - 1;
          return `<tool_call>${spec.space}${fenced}${spec.space}${last && !closeLast ? "" : "</tool_call>"}`;
        });
        const reply = before + blocks.join("\n") + (closeLast ? after : "");
        const expectedCalls = specs.map((spec) => ({ name: spec.name, arguments: JSON.stringify(spec.args, null, spec.pretty ? 2 : undefined) }));
        const { outcome } = run(cutAt(reply, cuts.map((cut) => cut % (reply.length + 1))));
        expect(outcome).toEqual({ content: before, calls: expectedCalls, refused: [] });
      }),
      { numRuns: 1500 },
    );
  });
});

