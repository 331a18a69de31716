/**
 * Images that finish after the stream (web-2026.md §7.2, §10 items 25-26): the stream's placeholder, the conversation
 * tree that holds the finished image under the same message id, the 429 right after the write, strict 404s.
 */
import { describe, expect, test } from "bun:test";
import { body2026, client2026, decode2026, errorOf, start2026, turn2026 } from "./client.ts";

type Json = Record<string, unknown>;

describe("async image turns", () => {
  test("the stream carries a placeholder with the image task and no pointer; the tree has the finished image under the same id", async () => {
    let clock = Date.parse("2026-08-21T10:00:00Z");
    const { emu, who } = await start2026({ asyncImages: true, now: () => clock });
    await using _ = emu;
    const text = await (await turn2026(who, body2026("a red fox", { system_hints: ["picture_v2"] }))).text();
    const decoded = decode2026(text);
    const placeholder = decoded.messages.find((m) => (m.metadata as Json).async_task_type === "image_gen") as Json;
    const cid = String((decoded.typed.find((t) => t.type === "message_stream_complete") as Json).conversation_id);
    const tooSoon = await errorOf(await fetch(`${who.base}/conversation/${cid}`, { headers: who.headers }));
    clock += 250;
    const tree = (await (await fetch(`${who.base}/conversation/${cid}`, { headers: who.headers })).json()) as { mapping: Record<string, { message: Json | null }>; current_node: string };
    const finished = tree.mapping[String(placeholder.id)]?.message as Json;
    const pointer = ((finished.content as Json).parts as Json[])[0] as Json;
    const fileId = String(pointer.asset_pointer).replace("sediment://", "");
    const link = (await (await fetch(`${who.base}/conversation/${cid}/attachment/${fileId}/download`, { headers: who.headers })).json()) as { download_url: string };
    // 2026 links are estuary URLs: they need the owner's bearer (web-2026.md §7.3)
    const bytes = new Uint8Array(await (await fetch(link.download_url, { headers: who.headers })).arrayBuffer());
    expect([
      text.includes("image_asset_pointer"),
      placeholder.content,
      typeof (placeholder.metadata as Json).image_gen_task_id,
      tooSoon.status,
      finished.status,
      (finished.metadata as Json).image_gen_task_id,
      String(pointer.asset_pointer).startsWith("sediment://file_"),
      tree.current_node,
      [...bytes.slice(1, 4)],
    ]).toEqual([false, { content_type: "text", parts: ["Processing image\u2026"] }, "string", 429, "finished_successfully", (placeholder.metadata as Json).image_gen_task_id, true, placeholder.id, [0x50, 0x4e, 0x47]]);
  });

  test("strict: an unknown or another account's conversation is 404; without asyncImages the pointer stays in the stream", async () => {
    let clock = Date.parse("2026-08-21T10:00:00Z");
    const { emu, who } = await start2026({ asyncImages: true, now: () => clock });
    await using _ = emu;
    const decoded = decode2026(await (await turn2026(who, body2026("cat", { system_hints: ["picture_v2"] }))).text());
    const cid = String((decoded.typed.find((t) => t.type === "message_stream_complete") as Json).conversation_id);
    clock += 1000;
    const other = client2026(emu.url, emu.addAccount().accessToken);
    const foreign = await errorOf(await fetch(`${other.base}/conversation/${cid}`, { headers: other.headers }));
    const unknown = await errorOf(await fetch(`${who.base}/conversation/${crypto.randomUUID()}`, { headers: who.headers }));
    emu.configureWeb2026({ asyncImages: false });
    const inline = await (await turn2026(who, body2026("dog", { system_hints: ["picture_v2"] }))).text();
    expect([foreign, unknown, inline.includes("sediment://file_")]).toEqual([
      { status: 404, body: { detail: "Conversation not found" } },
      { status: 404, body: { detail: "Conversation not found" } },
      true,
    ]);
  });

  test("asyncImageDelayMs: the tree shows the placeholder until the delay has passed; null keeps it for good", async () => {
    let clock = Date.parse("2026-08-21T10:00:00Z");
    const { emu, who } = await start2026({ asyncImages: true, asyncImageDelayMs: 5_000, now: () => clock });
    await using _ = emu;
    const look = async (cid: string, id: string) => {
      const tree = (await (await fetch(`${who.base}/conversation/${cid}`, { headers: who.headers })).json()) as { mapping: Record<string, { message: Json | null }> };
      return ((tree.mapping[id]?.message as Json).content as Json).content_type;
    };
    const turn = async () => {
      const decoded = decode2026(await (await turn2026(who, body2026("an owl", { system_hints: ["picture_v2"] }))).text());
      const placeholder = decoded.messages.find((m) => (m.metadata as Json).async_task_type === "image_gen") as Json;
      return { cid: String((decoded.typed.find((t) => t.type === "message_stream_complete") as Json).conversation_id), id: String(placeholder.id) };
    };
    const drawn = await turn();
    clock += 250;
    const early = await look(drawn.cid, drawn.id);
    clock += 4_750;
    const ready = await look(drawn.cid, drawn.id);
    emu.configureWeb2026({ asyncImageDelayMs: null });
    const never = await turn();
    clock += 86_400_000;
    const stillDrawing = await look(never.cid, never.id);
    expect([early, ready, stillDrawing]).toEqual(["text", "multimodal_text", "text"]);
    expect(() => emu.configureWeb2026({ asyncImageDelayMs: -1 })).toThrow(TypeError);
  });
});
