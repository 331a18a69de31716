/**
 * Stream handoff in 2026 mode (web-2026.md §6.4, §10 items 22–24): the write's stream ends after the handoff; the
 * answer comes from `f/conversation/resume` (both body shapes) or the WebSocket topic; strict refusals.
 */
import { describe, expect, test } from "bun:test";
import { body2026, client2026, type Client2026, decode2026, errorOf, post, start2026, turn2026 } from "./client.ts";

type Json = Record<string, unknown>;

interface HandedOff {
  text: string;
  conversationId: string;
  topicId: string;
  token: string;
}

async function handedOff(who: Client2026, prompt = "hi"): Promise<HandedOff> {
  const text = await (await turn2026(who, body2026(prompt))).text();
  const typed = decode2026(text).typed;
  const handoff = typed.find((t) => t.type === "stream_handoff") as Json;
  const token = typed.find((t) => t.type === "resume_conversation_token") as Json;
  const options = handoff.options as Array<{ type: string; topic_id: string }>;
  return { text, conversationId: String(handoff.conversation_id), topicId: String(options[0]?.topic_id), token: String(token.token) };
}

function resume(who: Client2026, body: Json, token?: string): Promise<Response> {
  return post(who, "/f/conversation/resume", body, { accept: "text/event-stream", ...(token ? { "x-conduit-token": token } : {}) });
}

/** Everything a socket receives until the turn's `done` item or the close. */
function socketTranscript(url: string, frames: unknown[]): Promise<{ items: Json[]; closeCode: number | null }> {
  const { promise, resolve } = Promise.withResolvers<{ items: Json[]; closeCode: number | null }>();
  const items: Json[] = [];
  const socket = new WebSocket(url);
  socket.onopen = () => {
    for (const frame of frames) socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  };
  socket.onmessage = (message) => {
    const parsed = JSON.parse(String(message.data)) as Json[];
    items.push(...parsed);
    if (parsed.some((item) => ((item.payload as Json | undefined)?.payload as Json | undefined)?.type === "done" || ("error" in item && item.id === 2))) {
      socket.close();
      resolve({ items, closeCode: null });
    }
  };
  socket.onclose = (event) => resolve({ items, closeCode: event.code });
  return promise;
}

const connect = { id: 1, command: { type: "connect", presence: { type: "presence", state: "foreground" } } };
const subscribe = (topicId: string) => ({ id: 2, command: { type: "subscribe", topic_id: topicId, offset: "0" } });

async function wsUrl(who: Client2026): Promise<string> {
  return ((await (await fetch(`${who.base}/celsius/ws/user`, { headers: who.headers })).json()) as { websocket_url: string }).websocket_url;
}

describe("handoff: the write's stream", () => {
  test("ends after the resume token, stream_handoff (both options, the turn's topic) and [DONE], without the answer", async () => {
    const { emu, who } = await start2026({ handoff: "resume" });
    await using _ = emu;
    const { text, topicId } = await handedOff(who);
    const decoded = decode2026(text);
    const handoff = decoded.typed.find((t) => t.type === "stream_handoff") as Json;
    expect([decoded.messages.length, decoded.typed.map((t) => t.type), decoded.done, handoff.options, topicId]).toEqual([
      0,
      ["resume_conversation_token", "stream_handoff"],
      true,
      [
        { type: "resume_sse_endpoint", topic_id: topicId },
        { type: "subscribe_ws_topic", topic_id: topicId },
      ],
      `conversation-turn-${String(handoff.turn_exchange_id)}`,
    ]);
  });

  test("without handoff (the default) the answer stays in the write's stream", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const decoded = decode2026(await (await turn2026(who, body2026("hi"))).text());
    expect([decoded.typed.some((t) => t.type === "stream_handoff"), decoded.messages.at(-1)?.content]).toEqual([false, { content_type: "text", parts: ["You said: hi"] }]);
  });
});

describe("handoff: f/conversation/resume", () => {
  test("both body shapes give stream_handoff again, then the answer and [DONE]", async () => {
    const { emu, who } = await start2026({ handoff: "resume" });
    await using _ = emu;
    const turn = await handedOff(who, "resume me");
    const byTopic = await resume(who, { conversation_id: turn.conversationId, topic_id: turn.topicId }, turn.token);
    const byOffset = await resume(who, { conversation_id: turn.conversationId, offset: 0 });
    const shapes = [];
    for (const response of [byTopic, byOffset]) {
      const decoded = decode2026(`event: delta_encoding\ndata: "v1"\n\n${await response.text()}`);
      shapes.push([response.status, decoded.typed[0]?.type, decoded.messages.at(-1)?.content, decoded.done]);
    }
    const answer = ["stream_handoff", { content_type: "text", parts: ["You said: resume me"] }, true];
    expect(shapes).toEqual([[200, ...answer], [200, ...answer]]);
  });

  test("strict: unknown turn 404 JSON, a token for another topic or not ours 403, another account's turn 404, bad bodies 422", async () => {
    const { emu, who } = await start2026({ handoff: "resume" });
    await using _ = emu;
    const first = await handedOff(who);
    const second = await handedOff(who);
    const other = client2026(emu.url, emu.addAccount().accessToken);
    const results = [
      await errorOf(await resume(who, { conversation_id: crypto.randomUUID(), offset: 0 })),
      await errorOf(await resume(who, { conversation_id: first.conversationId, topic_id: first.topicId }, second.token)),
      await errorOf(await resume(who, { conversation_id: first.conversationId, topic_id: first.topicId }, `${first.token.slice(0, -4)}AAAA`)),
      await errorOf(await resume(who, { conversation_id: first.conversationId, topic_id: first.topicId })),
      await errorOf(await resume(other, { conversation_id: first.conversationId, offset: 0 })),
      await errorOf(await resume(who, { conversation_id: first.conversationId, topic_id: first.topicId }, first.token).then(() => resume(who, { conversation_id: second.conversationId, topic_id: first.topicId }, first.token))),
      (await errorOf(await resume(who, { offset: 0 }))).status,
      (await errorOf(await resume(who, { conversation_id: first.conversationId }))).status,
      (await errorOf(await resume(who, { conversation_id: first.conversationId, offset: -1 }))).status,
    ];
    expect(results).toEqual([
      { status: 404, body: { detail: "Conversation stream not found" } },
      { status: 403, body: { detail: "Invalid resume token for this topic" } },
      { status: 403, body: { detail: "Invalid resume token for this topic" } },
      { status: 403, body: { detail: "Invalid resume token for this topic" } },
      { status: 404, body: { detail: "Conversation stream not found" } },
      { status: 404, body: { detail: "Conversation stream not found" } },
      422,
      422,
      422,
    ]);
  });

  test('handoff "websocket" refuses every resume (404 JSON)', async () => {
    const { emu, who } = await start2026({ handoff: "websocket" });
    await using _ = emu;
    const turn = await handedOff(who);
    expect([
      await errorOf(await resume(who, { conversation_id: turn.conversationId, topic_id: turn.topicId }, turn.token)),
      (await errorOf(await resume(who, { conversation_id: turn.conversationId, offset: 0 }))).status,
    ]).toEqual([{ status: 404, body: { detail: "Conversation stream not found" } }, 404]);
  });
});

describe("handoff: the WebSocket topic", () => {
  test("connect + subscribe: the replies, the answer as encoded_item SSE text, then done", async () => {
    const { emu, who } = await start2026({ handoff: "websocket" });
    await using _ = emu;
    const turn = await handedOff(who, "over the socket");
    const url = await wsUrl(who);
    const { items } = await socketTranscript(url, [[connect, subscribe(turn.topicId)]]);
    const replies = items.filter((i) => i.type === "reply");
    const messages = items.filter((i) => i.type === "message");
    const sse = messages.map((m) => ((m.payload as Json).payload as Json).encoded_item ?? "").join("");
    const decoded = decode2026(`event: delta_encoding\ndata: "v1"\n\n${sse}`);
    expect([
      url.startsWith(emu.url.replace("http", "ws")),
      replies.map((r) => r.id),
      (replies[1]?.reply as Json).topic_id,
      messages.every((m) => m.topic_id === turn.topicId && (m.payload as Json).type === "conversation-turn-stream"),
      ((messages.at(-1)?.payload as Json).payload as Json).type,
      decoded.messages.at(-1)?.content,
    ]).toEqual([true, [1, 2], turn.topicId, true, "done", { content_type: "text", parts: ["You said: over the socket"] }]);
  });

  test("strict: subscribe before connect and an unknown or foreign topic are refused; a non-JSON frame closes the socket; a forged URL is 403", async () => {
    const { emu, who } = await start2026({ handoff: "websocket" });
    await using _ = emu;
    const turn = await handedOff(who);
    const url = await wsUrl(who);
    const other = client2026(emu.url, emu.addAccount().accessToken);
    const errorCode = (items: Json[]) => (items.find((i) => i.id === 2)?.error as Json | undefined)?.code;
    const early = await socketTranscript(url, [[subscribe(turn.topicId)]]);
    const unknown = await socketTranscript(url, [[connect, subscribe("conversation-turn-nope")]]);
    const foreign = await socketTranscript(await wsUrl(other), [[connect, subscribe(turn.topicId)]]);
    const garbage = await socketTranscript(url, ["hello"]);
    const forged = await fetch(url.replace("ws", "http").replace(/verify=[^&]+/, "verify=forged"));
    expect([errorCode(early.items), errorCode(unknown.items), errorCode(foreign.items), garbage.closeCode, forged.status]).toEqual(["not_connected", "topic_not_found", "topic_not_found", 1008, 403]);
  });
});
