/** The emitted stream (codex.md §4, §9 items 13–17): framing, event order, summaries, sealed reasoning, usage, headers. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, postResponses, readEvents, type SseEvent, types, userMessage } from "./test-client.ts";

function completed(events: readonly SseEvent[]): Record<string, unknown> {
  return events.at(-1)?.data.response as Record<string, unknown>;
}

describe("framing", () => {
  test("event:/data: pairs whose data repeats the type, sequence numbers 0,1,2…, no [DONE], text/event-stream", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const response = await postResponses(emu.url, account, codexBody());
    const { events, raw, cut } = await readEvents(response);
    expect([
      response.status,
      response.headers.get("content-type"),
      cut,
      events.every((e) => e.event === e.data.type),
      events.map((e) => e.data.sequence_number),
      raw.includes("[DONE]"),
    ]).toEqual([200, "text/event-stream", false, true, events.map((_, i) => i), false]);
  });

  test("with omitContentType the 200 has no Content-Type at all", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.configure({ omitContentType: true });
    const response = await postResponses(emu.url, account, codexBody());
    const { events } = await readEvents(response);
    expect([response.status, response.headers.get("content-type"), events.at(-1)?.data.type]).toEqual([200, null, "response.completed"]);
  });
});

describe("event order", () => {
  test("a text turn: created, in_progress, reasoning item, message with text deltas, completed", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ input: [userMessage("tell me three things")] })));
    const deltas = events.filter((e) => e.data.type === "response.output_text.delta").map((e) => e.data.delta);
    expect(types(events).filter((t) => t !== "response.output_text.delta")).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect([deltas.length > 1, deltas.join(""), events[0]?.data.response]).toEqual([
      true,
      "You said: tell me three things",
      expect.objectContaining({ object: "response", status: "in_progress", model: "gpt-5.5", output: [], store: false }),
    ]);
    const output = completed(events).output as { type: string }[];
    expect(output.map((o) => o.type)).toEqual(["reasoning", "message"]);
  });

  test("reasoning.summary asked: summary parts 0 and 1, each added → deltas → text.done → part.done", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ reasoning: { effort: "medium", summary: "auto" } })));
    const summaryEvents = events.filter((e) => e.data.type.startsWith("response.reasoning_summary"));
    const collapsed = summaryEvents.map((e) => `${e.data.summary_index}:${e.data.type.replace("response.reasoning_summary_", "")}`).filter((s, i, all) => s !== all[i - 1]);
    expect(collapsed).toEqual(["0:part.added", "0:text.delta", "0:text.done", "0:part.done", "1:part.added", "1:text.delta", "1:text.done", "1:part.done"]);
    const text0 = summaryEvents.filter((e) => e.data.type === "response.reasoning_summary_text.delta" && e.data.summary_index === 0).map((e) => e.data.delta).join("");
    const done0 = summaryEvents.find((e) => e.data.type === "response.reasoning_summary_text.done" && e.data.summary_index === 0)?.data.text;
    expect([text0 === done0, typeof done0, summaryEvents.every((e) => e.data.output_index === 0)]).toEqual([true, "string", true]);
  });

  test("no summary asked: the reasoning item has an empty summary and no summary events", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ reasoning: { effort: "low" } })));
    const reasoning = (completed(events).output as Record<string, unknown>[])[0];
    expect([events.some((e) => e.data.type.startsWith("response.reasoning_summary")), reasoning?.summary, "encrypted_content" in (reasoning ?? {})]).toEqual([false, [], false]);
  });

  test("usage: input, cached, output, reasoning and total tokens; reasoning grows with effort", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    interface Usage {
      input_tokens: number;
      input_tokens_details: { cached_tokens: number };
      total_tokens: number;
      output_tokens: number;
      output_tokens_details: { reasoning_tokens: number };
    }
    const usageAt = async (effort: string) => completed((await readEvents(await postResponses(emu.url, account, codexBody({ reasoning: { effort } })))).events).usage as Usage;
    const [low, high] = [await usageAt("low"), await usageAt("high")];
    expect(low).toEqual({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: expect.any(Number),
      output_tokens_details: { reasoning_tokens: expect.any(Number) },
      total_tokens: low.input_tokens + low.output_tokens,
    });
    expect([high.output_tokens_details.reasoning_tokens > low.output_tokens_details.reasoning_tokens, low.input_tokens > 0]).toEqual([true, true]);
  });

  test("the same prompt_cache_key again finds the earlier input cached", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const cached = async (key: string) => (completed((await readEvents(await postResponses(emu.url, account, codexBody({ prompt_cache_key: key })))).events).usage as { input_tokens_details: { cached_tokens: number }; input_tokens: number });
    const [first, second, other] = [await cached("k1"), await cached("k1"), await cached("k2")];
    expect([first.input_tokens_details.cached_tokens, second.input_tokens_details.cached_tokens, other.input_tokens_details.cached_tokens]).toEqual([0, second.input_tokens, 0]);
  });

  test("emptyCompletedOutput (setting or script) sends response.completed with output []", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ text: "scripted", emptyOutput: true });
    const scripted = await readEvents(await postResponses(emu.url, account, codexBody()));
    const normal = await readEvents(await postResponses(emu.url, account, codexBody()));
    emu.codex.configure({ emptyCompletedOutput: true });
    const setting = await readEvents(await postResponses(emu.url, account, codexBody()));
    const items = (e: readonly SseEvent[]) => e.filter((x) => x.data.type === "response.output_item.done").length;
    expect([completed(scripted.events).output, (completed(normal.events).output as unknown[]).length, completed(setting.events).output, items(setting.events)]).toEqual([[], 2, [], 2]);
  });

  test("[[words:N]] answers with N words", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ input: [userMessage("[[words:500]]")] })));
    const text = events.find((e) => e.data.type === "response.output_text.done")?.data.text as string;
    expect(text.split(" ").length).toBe(500);
  });
});

describe("encrypted reasoning", () => {
  test("include reasoning.encrypted_content: the item carries a gAAAAA blob that the same account may replay, another may not", async () => {
    await using emu = await startEmulator();
    const a = emu.addCodexAccount();
    const b = emu.addCodexAccount();
    const body = codexBody({ reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"] });
    const first = await postResponses(emu.url, a, body);
    const { events } = await readEvents(first);
    const item = (completed(events).output as Record<string, unknown>[])[0] ?? {};
    const { id: _id, ...replayable } = item;
    const history = (extra: Record<string, unknown>[] = []) => codexBody({ input: [userMessage("hello"), replayable, ...extra, userMessage("again")] });
    const same = await postResponses(emu.url, a, history());
    await same.text();
    const other = await postResponses(emu.url, b, history());
    const tampered = await postResponses(emu.url, a, codexBody({ input: [{ ...replayable, encrypted_content: `${String(item.encrypted_content)}x` }] }));
    const withId = await postResponses(emu.url, a, codexBody({ input: [item] }));
    expect([
      first.headers.get("x-reasoning-included"),
      String(item.encrypted_content).startsWith("gAAAAA"),
      same.status,
      other.status,
      ((await other.json()) as { error: { code: string } }).error.code,
      tampered.status,
      withId.status,
    ]).toEqual(["true", true, 200, 400, "invalid_encrypted_content", 400, 404]);
  });
});

describe("response headers", () => {
  test("x-models-etag, openai-model, request ids; x-codex-turn-state echoed within a turn", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const first = await postResponses(emu.url, account, codexBody());
    await first.text();
    const state = first.headers.get("x-codex-turn-state") ?? "";
    const again = await postResponses(emu.url, account, codexBody(), { "x-codex-turn-state": state });
    await again.text();
    expect([
      /^W\/"[0-9a-f]+"$/.test(first.headers.get("x-models-etag") ?? ""),
      first.headers.get("openai-model"),
      (first.headers.get("x-request-id") ?? "").length > 0,
      state.length > 0,
      again.headers.get("x-codex-turn-state"),
    ]).toEqual([true, "gpt-5.5", true, true, state]);
  });
});
