/**
 * Scripted web replies (`emu.scriptWeb`, `POST /_emulator/web-script`): the queue's rules (account, match, a
 * conversation kept by its script, `afterToolResult`, `times`, validation), and the chunks arriving as their own
 * appends/snapshots through delta v1, legacy and the 2026 stream.
 */
import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { InputMessage } from "./conversation-body.ts";
import { startEmulator } from "./index.ts";
import { conversationBody, converse, decodeDeltaV1, decodeLegacy, type Decoded, identity, parseSse } from "./test-client.ts";
import { TOOL_RESULT_PATTERN, type WebScript, WebScripts } from "./web-scripts.ts";
import { body2026, decode2026, splitPayloadLines, start2026, turn2026 } from "./web2026/client.ts";

type Json = Record<string, unknown>;

function message(text: string, role = "user"): InputMessage {
  return { id: randomUUID(), role, content: { content_type: "text", parts: [text] }, metadata: {} };
}

function turn(texts: string[], options: { conversationId?: string; caller?: { id: string; email?: string } } = {}) {
  return { caller: options.caller ?? { id: "acct-1", email: "a@example.test" }, conversationId: options.conversationId ?? randomUUID(), messages: texts.map((t) => message(t)) };
}

function queued(...scripts: WebScript[]): WebScripts {
  const queue = new WebScripts();
  queue.push(scripts);
  return queue;
}

describe("the script queue", () => {
  test("a string reply is one chunk; a script is spent by the request it answers; then nothing answers", () => {
    const q = queued({ reply: "one" }, { reply: ["t", "wo"] });
    expect([q.take(turn(["a"])), q.take(turn(["b"])), q.take(turn(["c"]))]).toEqual([["one"], ["t", "wo"], undefined]);
    expect(q.pending).toBe(0);
  });

  test("account (id or email) and match choose the script; others wait their turn", () => {
    const q = queued({ account: "other", reply: "for other" }, { match: "weather", reply: "for weather" }, { account: "a@example.test", reply: "for a" });
    expect(q.take(turn(["hello"]))).toEqual(["for a"]);
    expect(q.take(turn(["system text", "what is the weather?"]))).toEqual(["for weather"]);
    expect(q.take(turn(["x"], { caller: { id: "other" } }))).toEqual(["for other"]);
  });

  test("afterToolResult: the reply until the last message carries a tool result, and the conversation stays the script's", () => {
    const q = queued({ match: "hello.txt", reply: "<tool_call>…</tool_call>", afterToolResult: "Done." });
    const conversationId = randomUUID();
    expect(q.take(turn(["create hello.txt"], { conversationId }))).toEqual(["<tool_call>…</tool_call>"]);
    // a continued turn sends only its new message, which no longer names the file
    expect(q.take(turn(["[Result of tool call call_1]\n\nok"], { conversationId }))).toEqual(["Done."]);
    expect(q.pending).toBe(0);
  });

  test("a tool result earlier in the request is not the last message's: the reply again", () => {
    const q = queued({ reply: "call again", afterToolResult: "Done.", times: 0 });
    expect(q.take(turn(["[Result of tool call call_1]\n\nok", "and now another thing"]))).toEqual(["call again"]);
    expect(q.take(turn(["x", "<tool_result call_id=\"call_2\">ok</tool_result>"]))).toEqual(["Done."]);
    expect(q.pending).toBe(1);
  });

  test("times counts answers (0 = until cleared); toolResult names the pattern", () => {
    const q = queued({ reply: "r", afterToolResult: "after", toolResult: "^RESULT:", times: 2 });
    expect([q.take(turn(["RESULT: 1"])), q.take(turn(["tool result"])), q.take(turn(["x"]))]).toEqual([["after"], ["r"], undefined]);
    expect(q.clear()).toBe(0);
  });

  test("the default pattern knows chat2api's result headers and the usual tags", () => {
    const pattern = new RegExp(TOOL_RESULT_PATTERN, "i");
    const seen = ["[Result of tool call call_9]", "[Result of function `ls`]", "<tool_result id=1>", "<tool_response>", "Tool result (call_1):", "function_call_output"];
    expect(seen.filter((t) => pattern.test(t))).toEqual(seen);
    expect(pattern.test("The tools are listed below.")).toBe(false);
  });

  test.each([
    [{ reply: "" }, "reply"],
    [{ reply: [] }, "reply"],
    [{ reply: ["a", ""] }, "reply"],
    [{ reply: "a", afterToolResult: 3 }, "afterToolResult"],
    [{ reply: "a", times: -1 }, "times"],
    [{ reply: "a", match: 1 }, "match"],
    [{ reply: "a", toolResult: "(" }, "toolResult"],
  ])("a bad script is refused whole, naming its field: %j", (bad, field) => {
    const q = queued();
    expect(() => q.push([{ reply: "good" }, bad as unknown as WebScript])).toThrow(field);
    expect(q.pending).toBe(0);
  });
});

/** The text of the last assistant message after each SSE event, as a reader sees it grow: the chunks it arrived in. */
function arrivals(stream: string, decode: (text: string) => Decoded): string[] {
  const events = parseSse(stream).map((e) => `${e.event ? `event: ${e.event}\n` : ""}data: ${e.data}\n\n`);
  const chunks: string[] = [];
  let seen = "";
  for (let i = 1; i <= events.length; i++) {
    const last = decode(events.slice(0, i).join("")).messages.findLast((m) => (m.author as Json).role === "assistant");
    const text = ((last?.content as { parts?: string[] } | undefined)?.parts ?? [""])[0] ?? "";
    if (text === seen) continue;
    if (!text.startsWith(seen)) throw new Error(`the text did not grow: ${JSON.stringify(seen)} → ${JSON.stringify(text)}`);
    chunks.push(text.slice(seen.length));
    seen = text;
  }
  return chunks;
}

const BLOCK = ["Let me check.\n<tool", '_call>\n{"name": "get_wea', 'ther", "arguments": {"city": "Zürich ☀"}}\n</tool_', "call>"];

describe("over HTTP, 2024", () => {
  test.each([
    ["delta v1", { supported_encodings: ["v1"] }, decodeDeltaV1],
    ["legacy", {}, decodeLegacy],
  ] as const)("%s: the scripted chunks arrive as they were cut, then the usual end", async (_label, extra, decode) => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    emu.scriptWeb({ reply: BLOCK });
    const text = await (await converse(identity(emu.url, account.accessToken), conversationBody("weather?", { model: "gpt-4o", ...extra }))).text();
    expect(arrivals(text, decode)).toEqual(BLOCK);
    const decoded = decode(text);
    expect(decoded.messages.at(-1)).toMatchObject({ status: "finished_successfully", end_turn: true, content: { parts: [BLOCK.join("")] } });
    expect([decoded.typed.at(-1)?.type, decoded.done]).toEqual(["message_stream_complete", true]);
  });

  test("a round trip: the block first, the answer once the result comes back in the same conversation", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const who = identity(emu.url, account.accessToken);
    emu.scriptWeb({ account: account.email, match: "weather", reply: BLOCK, afterToolResult: ["It is ", "sunny."] });
    const first = decodeDeltaV1(await (await converse(who, conversationBody("weather?", { supported_encodings: ["v1"] }))).text());
    const answer = first.messages.at(-1) ?? {};
    const conversationId = String(first.typed.find((t) => t.type === "title_generation")?.conversation_id);
    const followUp = conversationBody("[Result of tool call call_1]\n\nsunny", { supported_encodings: ["v1"], conversation_id: conversationId, parent_message_id: String(answer.id) });
    const second = await (await converse(who, followUp)).text();
    expect(arrivals(second, decodeDeltaV1)).toEqual(["It is ", "sunny."]);
    expect(emu.webScriptsPending()).toBe(0);
    // spent: the next request is echoed again
    const third = decodeDeltaV1(await (await converse(who, conversationBody("weather again", { supported_encodings: ["v1"] }))).text());
    expect((third.messages.at(-1)?.content as Json).parts).toEqual(["You said: weather again"]);
  });

  test("a refused request does not spend the script", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    emu.scriptWeb({ reply: "scripted" });
    emu.inject({ endpoint: "conversation", kind: { type: "status", status: 500 } });
    const who = identity(emu.url, account.accessToken);
    expect((await converse(who, conversationBody("hi"))).status).toBe(500);
    const decoded = decodeLegacy(await (await converse(who, conversationBody("hi"))).text());
    expect((decoded.messages.at(-1)?.content as Json).parts).toEqual(["scripted"]);
  });

  test("a script with a scenario that builds its own text is an emulator error naming both", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    emu.scriptWeb({ reply: "x" });
    const response = await converse(identity(emu.url, account.accessToken), conversationBody("[[scenario:code]] hi"));
    expect([response.status, await response.text()]).toEqual([500, JSON.stringify({ detail: "Emulator: a scripted reply cannot answer [[scenario:code]]" })]);
  });
});

describe("over HTTP, 2026", () => {
  test("the chunks arrive as they were cut in the 2026 stream, a thinking model's reasoning first", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    emu.scriptWeb({ reply: BLOCK });
    const text = await (await turn2026(who, body2026("weather?", { model: "gpt-5-6-thinking" }))).text();
    expect(arrivals(splitPayloadLines(text), decodeDeltaV1)).toEqual(BLOCK);
    const decoded = decode2026(text);
    expect(decoded.messages.map((m) => m.channel)).toEqual(["analysis", "analysis", "final"]);
    expect(decoded.done).toBe(true);
  });
});

describe("the control API", () => {
  test("POST queues one script or a list, GET counts, DELETE clears; a bad script is a 422 naming the field", async () => {
    await using emu = await startEmulator();
    const post = (body: unknown) => fetch(`${emu.url}/_emulator/web-script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(await (await post({ reply: "a" })).json()).toEqual({ status: "queued", scripts: 1, pending: 1 });
    expect(await (await post({ scripts: [{ reply: "b" }, { reply: ["c", "d"], afterToolResult: "e" }] })).json()).toEqual({ status: "queued", scripts: 2, pending: 3 });
    const bad = await post({ reply: "" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain("reply");
    expect(await (await fetch(`${emu.url}/_emulator/web-script`)).json()).toEqual({ pending: 3 });
    expect(await (await fetch(`${emu.url}/_emulator/web-script`, { method: "DELETE" })).json()).toEqual({ cleared: 3 });
    emu.scriptWeb({ reply: "z" });
    emu.reset();
    expect(emu.webScriptsPending()).toBe(0);
    expect(emu.log).toEqual([]);
  });
});
