import { describe, expect, test } from "bun:test";
import type { UpstreamEvent } from "../engines/web/events.ts";
import { runTransform } from "./__fixtures__/run-transform.ts";
import { CONVERSATION_ID as C, message, streamedText } from "./__fixtures__/upstream-message.ts";
import { createRenderer, type AssetRef, type RenderedDelta, type RendererOptions } from "./render-events.ts";

const userEcho = message({ id: "u-1", role: "user", text: "hi", status: "finished_successfully" });
const title: UpstreamEvent = { type: "metadata", name: "title_generation", data: { title: "Hi" } };
const done: UpstreamEvent = { type: "done" };

function render(events: UpstreamEvent[], options: Partial<RendererOptions> = {}): Promise<RenderedDelta[]> {
  return runTransform(createRenderer({ reasoningDisplay: "field", ...options }), events);
}

function textOf(deltas: RenderedDelta[], type: "content" | "reasoning"): string {
  return deltas.map((delta) => (delta.type === type ? delta.text : "")).join("");
}

function assets(urls: Record<string, string | null>) {
  const calls: AssetRef[] = [];
  const resolveAsset = async (ref: AssetRef) => {
    calls.push(ref);
    return urls[ref.id] ?? null;
  };
  return { calls, resolveAsset };
}

describe("createRenderer", () => {
  test("plain text: start once, the growth of each snapshot, finish stop; user echo and typed events ignored", async () => {
    const deltas = await render([userEcho, ...streamedText("m-1", ["Hel", "lo!"]), title, done]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "m-1" },
      { type: "content", text: "Hel" },
      { type: "content", text: "lo!" },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("two assistant messages are separated by a blank line and the second id is reported", async () => {
    const deltas = await render([
      ...streamedText("m-1", ["First."], { endTurn: false }),
      ...streamedText("m-2", ["Second."]),
    ]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "m-1" },
      { type: "content", text: "First." },
      { type: "message-id", messageId: "m-2", conversationId: C },
      { type: "content", text: "\n\nSecond." },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("text that first appears in the finished event of a non-final message is rendered (defect 16.1)", async () => {
    const deltas = await render([
      message({ id: "m-1", text: "" }),
      message({ id: "m-1", text: "Let me check.", status: "finished_successfully", endTurn: false }),
      ...streamedText("m-2", ["Done."]),
    ]);
    expect(textOf(deltas, "content")).toBe("Let me check.\n\nDone.");
  });

  test("a message first seen with text is rendered from its start", async () => {
    const deltas = await render([
      message({ id: "m-1", text: "Already here" }),
      message({ id: "m-1", text: "Already here.", status: "finished_successfully", endTurn: true }),
    ]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "m-1" },
      { type: "content", text: "Already here" },
      { type: "content", text: "." },
      { type: "finish", reason: "stop" },
    ]);
  });

  const thinking = [
    message({ id: "t-1", role: "tool", text: "", metadata: { initial_text: "Thinking" } }),
    message({ id: "t-1", role: "tool", text: "Step 1", metadata: { initial_text: "Thinking" } }),
    message({ id: "t-1", role: "tool", text: "Step 1\nStep 2", metadata: { initial_text: "Thinking" } }),
    message({
      id: "t-1",
      role: "tool",
      text: "Step 1\nStep 2",
      status: "finished_successfully",
      endTurn: false,
      metadata: { initial_text: "Thinking", finished_text: "Thought for 2 seconds" },
    }),
    ...streamedText("m-2", ["Answer"]),
  ];

  test("reasoning in field mode goes to reasoning deltas, the answer to content", async () => {
    const deltas = await render(thinking, { reasoningModel: true });
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "t-1" },
      { type: "reasoning", text: "Step 1" },
      { type: "reasoning", text: "\nStep 2" },
      { type: "message-id", messageId: "m-2", conversationId: C },
      { type: "content", text: "Answer" },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("reasoning in inline mode is quoted in the content", async () => {
    const deltas = await render(thinking, { reasoningDisplay: "inline", reasoningModel: true });
    expect(textOf(deltas, "content")).toBe("> Step 1\n> Step 2\n\nAnswer");
    expect(deltas.some((delta) => delta.type === "reasoning")).toBe(false);
  });

  test("a reasoning message with no text shows its finished_text", async () => {
    const deltas = await render([
      message({ id: "t-1", role: "tool", text: "", metadata: { initial_text: "Thinking" } }),
      message({
        id: "t-1",
        role: "tool",
        text: "",
        status: "finished_successfully",
        endTurn: false,
        metadata: { finished_text: "Thought for 9 seconds" },
      }),
      ...streamedText("m-2", ["Hi"]),
    ]);
    expect(textOf(deltas, "reasoning")).toBe("Thought for 9 seconds");
  });

  const thoughts = (list: Array<{ summary: string; content: string }>, status: "in_progress" | "finished_successfully" = "in_progress") =>
    message({ id: "r-1", status, endTurn: status === "in_progress" ? null : false, content: { content_type: "thoughts", thoughts: list } });
  const recap = message({ id: "r-2", status: "finished_successfully", endTurn: false, content: { content_type: "reasoning_recap", content: "Thought for 3s" } });

  test("thoughts are reasoning: each its **summary** and content, as paragraphs; the recap after them is not", async () => {
    const deltas = await render([
      thoughts([{ summary: "Plan", content: "" }]),
      thoughts([{ summary: "Plan", content: "Look it up" }]),
      thoughts([{ summary: "Plan", content: "Look it up" }, { summary: "", content: "Then answer" }], "finished_successfully"),
      recap,
      ...streamedText("m-3", ["Ok"]),
    ]);
    expect(textOf(deltas, "reasoning")).toBe("**Plan**\n\nLook it up\n\nThen answer");
    expect(textOf(deltas, "content")).toBe("Ok");
  });

  test("inline: the thoughts are quoted, the recap is left out", async () => {
    const deltas = await render([thoughts([{ summary: "Plan", content: "Look it up" }], "finished_successfully"), recap, ...streamedText("m-3", ["Ok"])], { reasoningDisplay: "inline" });
    expect(textOf(deltas, "content")).toBe("> **Plan**\n> \n> Look it up\n\nOk");
  });

  test("a recap with no thoughts shown before it is the reasoning, as 2024's finished_text is", async () => {
    const deltas = await render([thoughts([], "finished_successfully"), recap, ...streamedText("m-3", ["Ok"])]);
    expect([textOf(deltas, "reasoning"), textOf(deltas, "content")]).toEqual(["Thought for 3s", "Ok"]);
  });

  test("2026 analysis-channel text is reasoning, the final channel's the answer", async () => {
    const onChannel = (event: UpstreamEvent, channel: string): UpstreamEvent =>
      event.type === "message" ? { ...event, message: { ...event.message, channel } } : event;
    const deltas = await render([
      ...streamedText("a-1", ["Weighing it up."], { endTurn: false }).map((event) => onChannel(event, "analysis")),
      ...streamedText("m-2", ["Answer"]).map((event) => onChannel(event, "final")),
    ]);
    expect([textOf(deltas, "reasoning"), textOf(deltas, "content")]).toEqual(["Weighing it up.", "Answer"]);
  });

  test("tool text of a non-reasoning model is a note to the model, not shown", async () => {
    const deltas = await render([
      message({ id: "t-1", role: "tool", text: "quoted page", status: "finished_successfully", endTurn: false }),
      ...streamedText("m-2", ["Answer"]),
    ]);
    expect(textOf(deltas, "content")).toBe("Answer");
  });

  test("code interpreter: code and output fences, each closed when the next block starts", async () => {
    const deltas = await render([
      ...streamedText("m-1", ["Let me compute."], { endTurn: false }),
      message({ id: "m-2", recipient: "python", content: { content_type: "code", language: "python", text: "" } }),
      message({ id: "m-2", recipient: "python", content: { content_type: "code", language: "python", text: "print(1+1)" } }),
      message({
        id: "m-2",
        recipient: "python",
        status: "finished_successfully",
        endTurn: false,
        content: { content_type: "code", language: "python", text: "print(1+1)" },
      }),
      message({ id: "m-3", role: "tool", content: { content_type: "execution_output", text: "2" } }),
      message({ id: "m-3", role: "tool", status: "finished_successfully", endTurn: false, content: { content_type: "execution_output", text: "2" } }),
      ...streamedText("m-4", ["The answer is 2."]),
    ]);
    expect(textOf(deltas, "content")).toBe(
      "Let me compute.\n\n```python\nprint(1+1)\n```\n\n```Output\n2\n```\n\nThe answer is 2.",
    );
    expect(deltas.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });

  test("a fence still open when the reply ends is closed before finish", async () => {
    const deltas = await render([
      message({ id: "m-1", recipient: "python", content: { content_type: "code", language: "", text: "x = 1\n" } }),
      message({ id: "m-1", recipient: "python", status: "finished_successfully", endTurn: true, content: { content_type: "code", language: "", text: "x = 1\n" } }),
    ]);
    expect(deltas.slice(1)).toEqual([
      { type: "content", text: "```python\nx = 1\n" },
      { type: "content", text: "```" },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("DALL·E: the prompt fenced by recipient, the image resolved once, the tool's note hidden", async () => {
    const { calls, resolveAsset } = assets({ "file-abc": "https://files.example/abc.png" });
    const pointer = { content_type: "image_asset_pointer", asset_pointer: "file-service://file-abc", width: 1024, height: 1024, size_bytes: 9 };
    const deltas = await render(
      [
        message({ id: "m-1", recipient: "dalle.text2im", content: { content_type: "code", language: "unknown", text: '{"prompt":"a cat"}' } }),
        message({
          id: "m-1",
          recipient: "dalle.text2im",
          status: "finished_successfully",
          endTurn: false,
          content: { content_type: "code", language: "unknown", text: '{"prompt":"a cat"}' },
        }),
        message({ id: "m-2", role: "tool", status: "finished_successfully", endTurn: false, content: { content_type: "multimodal_text", parts: [pointer] } }),
        message({ id: "m-3", role: "tool", text: "DALL·E displayed 1 images.", status: "finished_successfully", endTurn: false }),
        ...streamedText("m-4", ["Here is your cat."]),
      ],
      { resolveAsset },
    );
    expect(textOf(deltas, "content")).toBe(
      '```dalle.text2im\n{"prompt":"a cat"}\n```\n\n![image](https://files.example/abc.png)\n\nHere is your cat.',
    );
    expect(calls).toEqual([{ kind: "file-service", id: "file-abc", conversationId: C, messageId: "m-2" }]);
  });

  test("each finished image is also reported as an image delta, with its URL, pointer and the tool call's prompt", async () => {
    const { resolveAsset } = assets({ "file-abc": "https://files.example/abc.png", file_9: "https://files.example/9.png" });
    const dalle = { content_type: "image_asset_pointer", asset_pointer: "file-service://file-abc", metadata: { dalle: { prompt: "a revised cat" } } };
    const generated = { content_type: "image_asset_pointer", asset_pointer: "sediment://file_9" };
    const gone = { content_type: "image_asset_pointer", asset_pointer: "sediment://file_gone" };
    const deltas = await render(
      [
        message({ id: "m-1", recipient: "t2uay3k.sj1i4kz", status: "finished_successfully", endTurn: false, content: { content_type: "code", language: "json", text: '{"prompt":"a red fox","size":"1024x1024"}' } }),
        message({ id: "m-2", role: "tool", status: "finished_successfully", endTurn: false, content: { content_type: "multimodal_text", parts: [dalle, generated, gone] } }),
        ...streamedText("m-3", ["Done."]),
      ],
      { resolveAsset },
    );
    expect(deltas.filter((delta) => delta.type === "image")).toEqual([
      { type: "image", url: "https://files.example/abc.png", ref: { kind: "file-service", id: "file-abc", conversationId: C, messageId: "m-2" }, prompt: "a revised cat" },
      { type: "image", url: "https://files.example/9.png", ref: { kind: "sediment", id: "file_9", conversationId: C, messageId: "m-2" }, prompt: "a red fox" },
      { type: "image", url: null, ref: { kind: "sediment", id: "file_gone", conversationId: C, messageId: "m-2" }, prompt: "a red fox" },
    ]);
  });

  test("an image without a download URL says it failed to load", async () => {
    const pointer = { content_type: "image_asset_pointer", asset_pointer: "file-service://file-gone" };
    const deltas = await render([
      message({ id: "m-1", role: "tool", status: "finished_successfully", endTurn: true, content: { content_type: "multimodal_text", parts: [pointer] } }),
    ]);
    expect(textOf(deltas, "content")).toBe("Failed to load the image.");
  });

  test("4o image generation: one progress line per growth step, the image rendered once (defect 16.7)", async () => {
    const { calls, resolveAsset } = assets({ file_9: "https://files.example/9.png" });
    const partial = (height: number) => ({
      content_type: "image_asset_pointer",
      asset_pointer: "sediment://file_9",
      width: 1024,
      height: 1024,
      metadata: { generation: { height } },
    });
    const image = (height: number, status: "in_progress" | "finished_successfully" = "in_progress") =>
      message({ id: "m-2", role: "tool", status, endTurn: false, content: { content_type: "multimodal_text", parts: [partial(height)] } });
    const deltas = await render(
      [
        ...streamedText("m-1", ["Drawing."], { endTurn: false }),
        image(256),
        image(256),
        image(512),
        image(1024),
        image(1024),
        image(1024, "finished_successfully"),
        ...streamedText("m-3", ["Done."]),
      ],
      { resolveAsset },
    );
    expect(textOf(deltas, "content")).toBe(
      "Drawing.\n\n> 🏃 25.00%\n> 🏃 50.00%\n> 🏃 100.00%\n\n![image](https://files.example/9.png)\n\nDone.",
    );
    expect(calls).toEqual([{ kind: "sediment", id: "file_9", conversationId: C, messageId: "m-2" }]);
  });

  test("browsing: text growth and citations in the same event are both rendered, markers never raw (defect 16.2)", async () => {
    const paris = { metadata: { url: "https://a.example", title: "A" } };
    const big = { metadata: { url: "https://b.example", title: "B" } };
    const deltas = await render([
      message({ id: "m-1", text: "" }),
      message({ id: "m-1", text: "Paris is the capital【4†so" }),
      message({ id: "m-1", text: "Paris is the capital【4†source】.", metadata: { citations: [paris] } }),
      message({
        id: "m-1",
        text: "Paris is the capital【4†source】. It is big【5†source】【4†source】.",
        status: "finished_successfully",
        endTurn: true,
        metadata: { citations: [paris, big, paris] },
      }),
    ]);
    expect(deltas.slice(1)).toEqual([
      { type: "content", text: "Paris is the capital" },
      { type: "content", text: "." },
      { type: "content", text: " [A](https://a.example)" },
      { type: "content", text: " It is big." },
      { type: "content", text: " [B](https://b.example)" },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("sandbox links are rewritten to their download URL even when split across events", async () => {
    const { calls, resolveAsset } = assets({ "/mnt/data/x.png": "https://files.example/x.png" });
    const deltas = await render(streamedText("m-1", ["Get [x](sand", "box:/mnt/data/x.png", ") now"]), { resolveAsset });
    expect(textOf(deltas, "content")).toBe("Get [x](https://files.example/x.png) now");
    expect(calls).toEqual([{ kind: "sandbox", id: "/mnt/data/x.png", conversationId: C, messageId: "m-1" }]);
  });

  test("moderation blocked before any text: refusal and content_filter, later events ignored", async () => {
    const moderation: UpstreamEvent = { type: "moderation", conversationId: C, blocked: true, data: {} };
    const deltas = await render([userEcho, moderation, ...streamedText("m-1", ["too late"])]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "" },
      { type: "refusal", text: "I'm sorry, but I can't help with that request." },
      { type: "finish", reason: "content_filter" },
    ]);
  });

  test("moderation that does not block, or arrives after text, changes nothing", async () => {
    const moderation: UpstreamEvent = { type: "moderation", conversationId: C, blocked: false, data: {} };
    const blockedLate: UpstreamEvent = { type: "moderation", conversationId: C, blocked: true, data: {} };
    const deltas = await render([moderation, message({ id: "m-1", text: "Hi" }), blockedLate, message({ id: "m-1", text: "Hi", status: "finished_successfully", endTurn: true })]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "m-1" },
      { type: "content", text: "Hi" },
      { type: "finish", reason: "stop" },
    ]);
  });

  test("an error event fails the reply, never finish stop (defect 16.3)", async () => {
    const error: UpstreamEvent = { type: "error", conversationId: C, message: "Something went wrong" };
    const deltas = await render([message({ id: "m-1", text: "Par" }), error, message({ id: "m-1", text: "Partial" })]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "m-1" },
      { type: "content", text: "Par" },
      { type: "failed", message: "Something went wrong" },
    ]);
  });

  test("an error event before any message fails without start", async () => {
    const deltas = await render([userEcho, { type: "error", conversationId: C, message: "blocked" }]);
    expect(deltas).toEqual([{ type: "failed", message: "blocked" }]);
  });

  test("a stream that ends after text without end_turn fails as ended early", async () => {
    const deltas = await render([message({ id: "m-1", text: "" }), message({ id: "m-1", text: "Half an ans" })]);
    expect(deltas).toEqual([
      { type: "start", conversationId: C, messageId: "m-1" },
      { type: "content", text: "Half an ans" },
      { type: "failed", message: "upstream stream ended early" },
    ]);
  });

  test("a stream that ends before any assistant message emits nothing", async () => {
    expect(await render([userEcho, title, done])).toEqual([]);
  });

  test("a 5 MB answer in 1 KB deltas comes out whole, each event costing its own text, not the answer so far", async () => {
    const piece = "Words (and parentheses), [brackets], 【notes】 and lines;\n".repeat(20).slice(0, 1024);
    const pieces = Array.from({ length: 5 * 1024 }, () => piece);
    const meter = { characters: 0 };
    const deltas = await render(streamedText("m-1", pieces), { meter });
    expect(textOf(deltas, "content")).toBe(pieces.join(""));
    expect(deltas.at(-1)).toEqual({ type: "finish", reason: "stop" });
    // the text looked at about twice (citations, then links); the whole message per event would be ~2,500 times
    expect(meter.characters).toBeLessThan(3 * 5 * 1024 * 1024);
  });

  test("the upstream's own completion after a finished message without end_turn is a finish", async () => {
    const deltas = await render([...streamedText("m-1", ["Hi"], { endTurn: false }), done]);
    expect(deltas.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });
});
