/** Both stream encodings describe the same answer for every scenario, and keep the wire rules of upstream.md §15. */
import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { encodeDeltaV1 } from "./delta-v1.ts";
import { startEmulator } from "./index.ts";
import { encodeLegacy } from "./legacy.ts";
import { parseDirectives, SCENARIOS } from "./reply-text.ts";
import { buildAnswer } from "./scenario.ts";
import { sseResponse } from "./sse-response.ts";
import { conversationBody, converse, type Decoded, decodeDeltaV1, decodeLegacy, identity, parseSse } from "./test-client.ts";

type Json = Record<string, unknown>;

function answerFor(text: string, historyEnabled = true) {
  const directives = parseDirectives(text);
  if ("error" in directives) throw new Error(directives.error);
  return buildAnswer({
    directives,
    model: "gpt-4o",
    conversationId: "c0ffee00-0000-4000-8000-000000000000",
    parentMessageId: "client-created-root",
    user: { id: randomUUID(), content: { content_type: "text", parts: [text] }, metadata: {} },
    historyEnabled,
    createTime: 1_800_000_000,
  });
}

/** Everything a reader renders: each message's text, in order. */
function finalText(decoded: Decoded): string[] {
  return decoded.messages.map((m) => {
    const content = m.content as Json;
    const parts = Array.isArray(content.parts) ? content.parts.map((p) => (typeof p === "string" ? p : String((p as Json).asset_pointer).split("://")[0])) : [];
    return `${String((m.author as Json).role)}:${String(content.content_type)}:${typeof content.text === "string" ? content.text : parts.join("|")}`;
  });
}

describe.each(SCENARIOS.map((s) => [s]))("scenario %s", (scenario) => {
  const text = `Grüße 🌍 ${scenario === "default" ? "" : `[[scenario:${scenario}]]`}`;

  test("legacy and v1 encodings decode to the builder's final messages and the same typed events", () => {
    const answer = answerFor(text);
    const legacy = decodeLegacy(encodeLegacy(answer.frames, "cid").events.join(""));
    const encoded = encodeDeltaV1(answer.frames, "cid");
    const v1 = decodeDeltaV1([...encoded.preamble, ...encoded.events].join(""));
    expect(legacy).toEqual(v1);
    expect(legacy.messages).toEqual(JSON.parse(JSON.stringify(answer.finalMessages)));
  });

  test("over HTTP both encodings give the same final text", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const legacy = await (await converse(identity(emu.url, account.accessToken), conversationBody(text, { model: "gpt-4o" }))).text();
    const v1 = await (await converse(identity(emu.url, account.accessToken), conversationBody(text, { model: "gpt-4o", supported_encodings: ["v1"] }))).text();
    expect(finalText(decodeDeltaV1(v1))).toEqual(finalText(decodeLegacy(legacy)));
    expect(emu.log.filter((e) => e.path.endsWith("/conversation")).map((e) => e.encoding)).toEqual(["legacy", "v1"]);
  });

  test("every message after the user echo first appears in_progress, text ones with an empty first part", () => {
    const firsts = new Map<string, Json>();
    for (const frame of answerFor(text).frames) {
      if (frame.kind === "message" && !firsts.has(frame.message.id)) firsts.set(frame.message.id, frame.message as unknown as Json);
    }
    const [, ...rest] = [...firsts.values()];
    const dalleImage = (m: Json) => (m.author as Json).name === "dalle.text2im";
    expect(rest.filter((m) => !dalleImage(m)).map((m) => [m.status, (m.content as Json).content_type === "text" ? (m.content as { parts: string[] }).parts : "-"])).toEqual(
      rest.filter((m) => !dalleImage(m)).map((m) => ["in_progress", (m.content as Json).content_type === "text" ? [""] : "-"]),
    );
  });

  test("v1 puts c only on root adds and never sends a bare v right after an add or a patch", () => {
    const { events } = encodeDeltaV1(answerFor(text).frames, "cid");
    const lines = events.flatMap((e) => parseSse(e)).filter((e) => e.data.startsWith("{")).map((e) => JSON.parse(e.data) as Json);
    const problems = lines.flatMap((line, i) => {
      const previous = lines[i - 1];
      const bare = !("p" in line) && "v" in line && !("c" in line);
      if ("c" in line && (line.p !== "" || line.o !== "add")) return [`c on a non-add line ${i}`];
      if (bare && previous && ("c" in previous || previous.o === "patch")) return [`bare v after add/patch at ${i}`];
      return [];
    });
    expect(problems).toEqual([]);
  });
});

describe("the default answer", () => {
  test("echoes the last user message, multibyte characters intact", async () => {
    await using emu = await startEmulator();
    const response = await converse(identity(emu.url), conversationBody("héllo 🌍 世界", { supported_encodings: ["v1"] }));
    const decoded = decodeDeltaV1(await response.text());
    expect(decoded.messages.map((m) => [(m.author as Json).role, (m.content as Json).parts, m.status, m.end_turn])).toEqual([
      ["user", ["héllo 🌍 世界"], "finished_successfully", null],
      ["assistant", ["You said: héllo 🌍 世界"], "finished_successfully", true],
    ]);
  });

  test("[[words:N]] answers with N words of the fixed list", () => {
    const answer = answerFor("[[words:22]]");
    expect(answer.finalMessages.at(-1)?.content).toEqual({
      content_type: "text",
      parts: ["alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa québec romeo sierra tango alpha bravo"],
    });
  });

  test("text grows by 1 to 3 words per event", () => {
    const answer = answerFor("[[words:40]]");
    const texts = answer.frames.flatMap((f) => (f.kind === "message" && f.message.author.role === "assistant" ? [(f.message.content as { parts: string[] }).parts[0] ?? ""] : []));
    const growth = texts.slice(1).map((t, i) => t.slice(texts[i]?.length).trim().split(/\s+/).length);
    expect(growth.every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(texts.at(-1)?.split(" ").length).toBe(40);
  });

  test("ends with title_generation (history on), message_stream_complete and [DONE], one conversation id throughout", async () => {
    await using emu = await startEmulator();
    const text = await (await converse(identity(emu.url), conversationBody("hello there"))).text();
    const payloads = parseSse(text).map((e) => e.data);
    const objects = payloads.filter((d) => d.startsWith("{")).map((d) => JSON.parse(d) as Json);
    const ids = new Set(objects.map((o) => o.conversation_id));
    expect([objects.slice(-2).map((o) => o.type), payloads.at(-1), ids.size]).toEqual([["title_generation", "message_stream_complete"], "[DONE]", 1]);
  });

  test("with history disabled there is no title_generation but still a conversation id", async () => {
    await using emu = await startEmulator();
    const text = await (await converse(identity(emu.url), conversationBody("hello", { history_and_training_disabled: true }))).text();
    const decoded = decodeLegacy(text);
    expect([decoded.typed.map((t) => t.type), typeof decoded.typed[0]?.conversation_id]).toEqual([["message_stream_complete"], "string"]);
  });

  test("encoding legacy answers with snapshots even when v1 is asked for", async () => {
    await using emu = await startEmulator({ encoding: "legacy" });
    const text = await (await converse(identity(emu.url), conversationBody("hi", { supported_encodings: ["v1"] }))).text();
    expect([text.startsWith("data: {"), emu.log.at(-1)?.encoding]).toEqual([true, "legacy"]);
  });
});

describe("scenario details", () => {
  test("code: the final event adds no text and the sandbox link resolves to a PNG", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const who = identity(emu.url, account.accessToken);
    const text = await (await converse(who, conversationBody("plot [[scenario:code]]"))).text();
    const snapshots = parseSse(text).filter((e) => e.data.startsWith('{"message"')).map((e) => (JSON.parse(e.data) as Json).message as Json);
    const last = snapshots.at(-1) as Json;
    const beforeLast = snapshots.at(-2) as Json;
    const cid = String((JSON.parse(parseSse(text)[0]?.data ?? "{}") as Json).conversation_id);
    const link = await fetch(`${who.base}/conversation/${cid}/interpreter/download?message_id=${String(last.id)}&sandbox_path=${encodeURIComponent("/mnt/data/result.png")}`, { headers: who.headers });
    const { download_url } = (await link.json()) as { download_url: string };
    const png = new Uint8Array(await (await fetch(download_url)).arrayBuffer());
    expect([(last.content as Json).parts, last.end_turn, link.status, [...png.slice(1, 4)]]).toEqual([(beforeLast.content as Json).parts, true, 200, [0x50, 0x4e, 0x47]]);
    expect(String((last.content as { parts: string[] }).parts[0])).toContain("(sandbox:/mnt/data/result.png)");
  });

  test("reasoning: a tool message with Thinking / Thought for 3 seconds ends without end_turn before the answer", () => {
    const [, thought, answer] = answerFor("why [[scenario:reasoning]]").finalMessages;
    expect([thought?.author.role, thought?.metadata.initial_text, thought?.metadata.finished_text, thought?.end_turn, answer?.end_turn]).toEqual(["tool", "Thinking", "Thought for 3 seconds", false, true]);
  });

  test("image-gen: the sediment pointer's generation height grows to the full height", () => {
    const heights = answerFor("cat [[scenario:image-gen]]").frames.flatMap((f) => {
      if (f.kind !== "message" || f.message.recipient !== "all" || f.message.author.name !== "t2uay3k.sj1i4kz") return [];
      const part = (f.message.content as unknown as { parts: { metadata: { generation: { height: number } } }[] }).parts[0];
      return part ? [[f.message.status, part.metadata.generation.height]] : [];
    });
    expect(heights).toEqual([["in_progress", 256], ["in_progress", 512], ["in_progress", 768], ["in_progress", 1024], ["finished_successfully", 1024]]);
  });

  test("dalle and image-gen pointers resolve to downloadable images of the announced size", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const who = identity(emu.url, account.accessToken);
    const dalle = decodeLegacy(await (await converse(who, conversationBody("cat [[scenario:dalle]]"))).text());
    const gen = decodeLegacy(await (await converse(identity(emu.url, account.accessToken), conversationBody("dog [[scenario:image-gen]]"))).text());
    const pointer = (d: Decoded) => ((d.messages.find((m) => (m.content as Json).content_type === "multimodal_text")?.content as Json).parts as Json[])[0] as Json;
    const dallePointer = pointer(dalle);
    const genPointer = pointer(gen);
    const fileId = String(dallePointer.asset_pointer).replace("file-service://", "");
    const sediment = String(genPointer.asset_pointer).replace("sediment://", "");
    const cid = String(gen.typed[0]?.conversation_id);
    const a = (await (await fetch(`${who.base}/files/${fileId}/download`, { headers: who.headers })).json()) as { download_url: string };
    const b = (await (await fetch(`${who.base}/conversation/${cid}/attachment/${sediment}/download`, { headers: who.headers })).json()) as { download_url: string };
    const sizes = await Promise.all([a, b].map(async ({ download_url }) => (await (await fetch(download_url)).arrayBuffer()).byteLength));
    expect(sizes).toEqual([Number(dallePointer.size_bytes), Number(genPointer.size_bytes)]);
  });

  test("moderation: a blocked moderation event comes before any assistant text, then the stream ends", () => {
    const answer = answerFor("bad [[scenario:moderation]]");
    expect(answer.frames.map((f) => (f.kind === "message" ? `${f.message.author.role}:${(f.message.content as { parts: string[] }).parts[0] === "" ? "empty" : "text"}` : f.kind === "event" ? `${String(f.data.type)}:${String((f.data.moderation_response as Json).blocked)}` : f.kind))).toEqual([
      "user:text",
      "assistant:empty",
      "moderation:true",
    ]);
  });

  test("browse: one citation arrives with text growth, the other with the final event", () => {
    const frames = answerFor("q [[scenario:browse]]").frames.flatMap((f) => (f.kind === "message" && f.message.author.role === "assistant" ? [f.message] : []));
    const counts = frames.map((m) => (m.metadata.citations as unknown[]).length);
    const grewWithText = frames.findIndex((m, i) => i > 0 && counts[i] === 1 && counts[i - 1] === 0);
    const textOf = (i: number) => (frames[i]?.content as { parts: string[] }).parts[0] ?? "";
    expect([counts.at(-1), counts.at(-2), textOf(grewWithText).length > textOf(grewWithText - 1).length, frames.at(-1)?.status]).toEqual([2, 1, true, "finished_successfully"]);
  });

  test("preamble: the non-final message's finishing event adds text", () => {
    const answer = answerFor("x [[scenario:preamble]]");
    const preamble = answer.frames.flatMap((f) => (f.kind === "message" && f.message.id === answer.finalMessages[1]?.id ? [f.message] : []));
    const [last, previous] = [preamble.at(-1), preamble.at(-2)];
    expect([last?.end_turn, last?.status, (last?.content as { parts: string[] }).parts[0] !== (previous?.content as { parts: string[] }).parts[0]]).toEqual([false, "finished_successfully", true]);
  });

  test("an unknown scenario directive is a 400", async () => {
    await using emu = await startEmulator();
    const response = await converse(identity(emu.url), conversationBody("[[scenario:nope]]"));
    expect(response.status).toBe(400);
  });
});

describe("the SSE writer", () => {
  test("splits an event with a multibyte character inside that character", async () => {
    const reader = sseResponse(["data: é\n\n"], { delayMs: 0 }).body?.getReader();
    const pieces: number[][] = [];
    for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) pieces.push([...r.value]);
    expect(pieces).toEqual([[0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xc3], [0xa9, 0x0a, 0x0a]]);
  });
});
