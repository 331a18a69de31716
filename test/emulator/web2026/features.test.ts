/**
 * The 2024 emulator's features in 2026 mode: uploads and image prompts, Team, GPTs, continuing a conversation,
 * directives and scenarios (images via `picture_v2` too), snapshot encoding, and the conversation faults.
 */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { makePng } from "../png.ts";
import { wordList } from "../reply-text.ts";
import { body2026, client2026, type Client2026, decode2026, start2026, turn2026 } from "./client.ts";

type Json = Record<string, unknown>;

function ste(text: string): Json {
  return decode2026(text).typed.find((t) => t.type === "server_ste_metadata")?.metadata as Json;
}

async function uploadImage(who: Client2026): Promise<{ id: string; size: number }> {
  const bytes = makePng(8, 8);
  const created = (await (await fetch(`${who.base}/files`, { method: "POST", headers: who.headers, body: JSON.stringify({ file_name: "a.png", file_size: bytes.length, use_case: "multimodal", width: 8, height: 8 }) })).json()) as { file_id: string; upload_url: string };
  await fetch(created.upload_url, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob", "x-ms-version": "2020-04-08", "content-type": "image/png" }, body: bytes });
  await fetch(`${who.base}/files/${created.file_id}/uploaded`, { method: "POST", headers: who.headers, body: "{}" });
  return { id: created.file_id, size: bytes.length };
}

describe("files, accounts, GPTs, conversations", () => {
  test("an uploaded image in the prompt: multimodal turn, and someone else's file is refused", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const image = await uploadImage(who);
    const message = { id: crypto.randomUUID(), author: { role: "user" }, content: { content_type: "multimodal_text", parts: [{ content_type: "image_asset_pointer", asset_pointer: `file-service://${image.id}`, size_bytes: image.size, width: 8, height: 8 }, "what is this"] }, metadata: { attachments: [{ id: image.id, name: "a.png", mime_type: "image/png", size: image.size, width: 8, height: 8, source: "local" }] } };
    const response = await turn2026(who, body2026("", { messages: [message] }));
    const other = client2026(emu.url, emu.addAccount().accessToken);
    const refused = await turn2026(other, body2026("", { messages: [message] }));
    expect([response.status, ste(await response.text()), refused.status]).toEqual([200, expect.objectContaining({ turn_use_case: "multimodal", did_prompt_contain_image: true }), 400]);
  });

  test("a Team account must name its workspace in chatgpt-account-id", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const team = emu.addAccount({ plan: "team" });
    const without = await fetch(`${emu.url}/backend-api/me`, { headers: client2026(emu.url, team.accessToken).headers });
    const response = await turn2026(client2026(emu.url, team.accessToken, { "chatgpt-account-id": team.accountId ?? "" }), body2026("hi", { model: "gpt-5-6-thinking" }));
    expect([without.status, response.status]).toEqual([403, 200]);
  });

  test("a GPT conversation and a continued conversation", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const gizmo = await turn2026(who, body2026("hi", { conversation_mode: { kind: "gizmo_interaction", gizmo_id: "g-abc123" } }));
    const first = decode2026(await (await turn2026(who, body2026("one"))).text());
    const conversationId = String((first.typed.find((t) => t.type === "message_stream_complete") as Json).conversation_id);
    const next = await turn2026(who, body2026("two", { conversation_id: conversationId, parent_message_id: first.messages.at(-1)?.id }));
    const wrongParent = await turn2026(who, body2026("three", { conversation_id: conversationId, parent_message_id: crypto.randomUUID() }));
    expect([gizmo.status, next.status, decode2026(await next.text()).messages.at(-1)?.content, wrongParent.status]).toEqual([200, 200, { content_type: "text", parts: ["You said: two"] }, 400]);
  });

  test("/me, accounts/check, conversation/init, tasks and sentinel/ping answer in their shapes", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const get = async (path: string) => (await fetch(`${who.base}${path}`, { headers: who.headers })).json();
    const init = (await (await fetch(`${who.base}/conversation/init`, { method: "POST", headers: who.headers, body: JSON.stringify({ requested_default_model: null, conversation_id: null, timezone_offset_min: 420, conversation_origin: null }) })).json()) as Json;
    const ping = await fetch(`${who.base}/sentinel/ping`, { method: "POST", headers: { ...who.headers, "openai-sentinel-extra-data": Buffer.from("{}").toString("base64") } });
    const anonMe = await fetch(`${emu.url}/backend-anon/me`, { headers: client2026(emu.url).headers });
    expect([await get("/me"), await get("/accounts/check/v4-2023-04-27"), init.type, init.blocked_features, await get("/tasks"), ping.status, anonMe.status]).toEqual([
      expect.objectContaining({ object: "user", id: "user-alice", email: "alice@example.test" }),
      { accounts: expect.objectContaining({ default: expect.objectContaining({ account: expect.objectContaining({ plan_type: "plus" }) }) }), account_ordering: [expect.any(String)] },
      "conversation_detail_metadata",
      [],
      { tasks: [] },
      200,
      401,
    ]);
  });
});

describe("directives and scenarios", () => {
  test("[[words:N]] answers N words", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const decoded = decode2026(await (await turn2026(who, body2026("[[words:12]]"))).text());
    expect(decoded.messages.at(-1)?.content).toEqual({ content_type: "text", parts: [wordList(12)] });
  });

  test.each([["[[scenario:image-gen]] draw a cat", []], ["draw a cat", ["picture_v2"]]])("%s with hints %p: an image tool message, an image-gen turn, a downloadable sediment file", async (text, hints) => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const stream = await (await turn2026(who, body2026(text, { system_hints: hints }))).text();
    const decoded = decode2026(stream);
    const tool = decoded.messages.find((m) => (m.author as Json).role === "tool");
    const pointer = String((((tool?.content as Json).parts as Json[])[0] as Json).asset_pointer);
    const conversationId = String(decoded.typed.find((t) => t.type === "message_stream_complete")?.conversation_id);
    const download = await fetch(`${who.base}/conversation/${conversationId}/attachment/${pointer.replace("sediment://", "")}/download`, { headers: who.headers });
    expect([pointer.startsWith("sediment://file_"), ste(stream), download.status]).toEqual([true, expect.objectContaining({ turn_use_case: "image gen", model_slug: "i-mini-m", tool_invoked: true }), 200]);
  });

  test("[[scenario:image-limit]]: the quota refusal is a system_error inside a 200 stream", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const response = await turn2026(who, body2026("[[scenario:image-limit]] a cat", { system_hints: ["picture_v2"] }));
    const decoded = decode2026(await response.text());
    const refusal = decoded.messages.find((m) => (m.content as Json).content_type === "system_error")?.content as Json;
    expect([response.status, refusal.name, decoded.messages.at(-1)?.channel]).toEqual([200, "ChatGPTAgentToolRateLimitException", "final"]);
  });

  test("[[scenario:code]] and [[scenario:browse]] keep their tools; [[scenario:reasoning]] thinks on any model", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const shapes = [];
    for (const scenario of ["code", "browse", "reasoning"]) {
      const decoded = decode2026(await (await turn2026(who, body2026(`[[scenario:${scenario}]] go`, { model: "gpt-5-6" }))).text());
      shapes.push(decoded.messages.map((m) => (m.content as Json).content_type));
    }
    expect(shapes).toEqual([["code", "execution_output", "text"], ["text"], ["thoughts", "reasoning_recap", "text"]]);
  });

  test("without supported_encodings the 2026 stream comes as snapshots, still led by the resume token", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const { supported_encodings: _e, ...body } = body2026("hi");
    const text = await (await turn2026(who, body)).text();
    expect([text.startsWith('data: {"type": "resume_conversation_token"'), text.includes("delta_encoding"), emu.log.at(-1)?.encoding]).toEqual([true, false, "legacy"]);
  });
});

describe("faults on f/conversation", () => {
  test("status, unusual-activity and cap answer instead of the stream; the cap holds until the clock passes", async () => {
    let clock = 1_800_000_000_000;
    const { emu, who } = await start2026({ now: () => clock });
    await using _ = emu;
    emu.inject({ endpoint: "conversation", kind: { type: "status", status: 502 } });
    emu.inject({ endpoint: "conversation", kind: { type: "unusual-activity" } });
    emu.inject({ endpoint: "conversation", kind: { type: "cap", clearsInSec: 60 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await turn2026(who, body2026("hi"))).status);
    clock += 61_000;
    statuses.push((await turn2026(who, body2026("hi"))).status);
    expect(statuses).toEqual([502, 403, 429, 429, 200]);
  });

  test("error-event ends the stream after the given answer events; cut resets the connection", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    emu.inject({ endpoint: "conversation", kind: { type: "error-event", afterEvents: 2, message: "boom" } });
    const errored = await (await turn2026(who, body2026("hi"))).text();
    emu.inject({ endpoint: "conversation", kind: { type: "cut", afterEvents: 2 } });
    const cut = await (await turn2026(who, body2026("hi [[words:30]]"))).text().then(() => "complete", () => "reset");
    const last = JSON.parse(errored.trimEnd().split("\n").at(-1)?.slice(6) ?? "{}") as Json;
    expect([last, errored.includes("[DONE]"), cut]).toEqual([{ message: null, conversation_id: expect.any(String), error: "boom" }, false, "reset"]);
  });

  test("hold keeps the stream open until releaseHeld(); flood adds appends", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    emu.inject({ endpoint: "conversation", kind: { type: "hold", afterEvents: 1 } });
    const held = await turn2026(who, body2026("held [[words:6]]"));
    const reader = held.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (emu.stats().held === 0 || !text.includes("input_message")) text += decoder.decode((await reader?.read())?.value, { stream: true });
    expect(emu.releaseHeld()).toBe(1);
    for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) text += decoder.decode(r.value, { stream: true });
    emu.inject({ endpoint: "conversation", kind: { type: "flood", events: 5, chars: 12 } });
    const flooded = decode2026(await (await turn2026(who, body2026("hi"))).text());
    expect([decode2026(text).messages.at(-1)?.content, (flooded.messages.at(-1)?.content as Json).parts]).toEqual([{ content_type: "text", parts: [wordList(6)] }, [`You ${"flood flood ".repeat(5)}said: hi`]]);
  });
});
