import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../errors.ts";
import type { UpstreamEvent, UpstreamMessage } from "../events.ts";
import { awaitLateImages, type Sleep } from "./await-late-image.ts";
import type { ReadConversationTree, TreeLook } from "./conversation-tree.ts";
import { treeMessages } from "./conversation-tree.ts";
import { followLateImages } from "./late-images-stream.ts";

const CID = "c-1";

function message(id: string, role: string, content: UpstreamMessage["content"], metadata: Record<string, unknown> = {}): UpstreamMessage {
  return { id, author: { role }, content, status: "finished_successfully", end_turn: null, recipient: "all", metadata };
}
const placeholder = (id = "img", task = "task_1") => message(id, "tool", { content_type: "text", parts: ["Processing image…"] }, { async_task_type: "image_gen", image_gen_task_id: task });
const finished = (id = "img", task = "task_1") =>
  message(id, "tool", { content_type: "multimodal_text", parts: [{ content_type: "image_asset_pointer", asset_pointer: "sediment://file_00000000aa" }] }, { async_task_type: "image_gen", image_gen_task_id: task });
const prompt = message("call", "assistant", { content_type: "code", text: '{"prompt":"a fox"}' });

/** A clock that only the fake sleep moves, and the pauses it was asked for. */
function fakeTime() {
  let clock = 1_000_000;
  const pauses: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    pauses.push(ms);
    clock += ms;
  };
  return { sleep, now: () => clock, pauses };
}

function scripted(looks: TreeLook[]): { readTree: ReadConversationTree; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    readTree: async (id) => {
      asked.push(id);
      // the last look repeats for ever
      return (looks.length > 1 ? looks.shift() : looks[0]) ?? { type: "again", reason: "nothing scripted", retryAfterMs: null };
    },
  };
}

const events = (...list: UpstreamEvent[]) =>
  new ReadableStream<UpstreamEvent>({
    start(controller) {
      for (const event of list) controller.enqueue(event);
      controller.close();
    },
  });
const collect = (stream: ReadableStream<UpstreamEvent>) => Array.fromAsync(stream as unknown as AsyncIterable<UpstreamEvent>);
const msg = (m: UpstreamMessage): UpstreamEvent => ({ type: "message", message: m, conversationId: CID });
const COMPLETE: UpstreamEvent = { type: "metadata", name: "message_stream_complete", data: {} };
const DONE: UpstreamEvent = { type: "done" };

describe("awaitLateImages", () => {
  test("waits past the first moment, backs off, honours Retry-After on a 429, and returns the finished message", async () => {
    const time = fakeTime();
    const tree = scripted([
      { type: "again", reason: "ChatGPT rate-limited the conversation look-up", retryAfterMs: 2000 },
      { type: "tree", messages: [prompt, placeholder()] },
      { type: "tree", messages: [prompt, finished()] },
    ]);
    const outcome = await awaitLateImages({ conversationId: CID, pending: [{ messageId: "img", taskId: "task_1" }], readTree: tree.readTree, ...time });
    expect(outcome).toEqual({ type: "finished", messages: [finished()], looks: 3 });
    expect(time.pauses).toEqual([500, 2000, 1125]);
    expect(tree.asked).toEqual([CID, CID, CID]);
  });

  test("found by its task id when the message id changed", async () => {
    const time = fakeTime();
    const tree = scripted([{ type: "tree", messages: [finished("other-id", "task_1")] }]);
    const outcome = await awaitLateImages({ conversationId: CID, pending: [{ messageId: "img", taskId: "task_1" }], readTree: tree.readTree, ...time });
    expect(outcome.type === "finished" && outcome.messages[0]?.id).toBe("other-id");
  });

  test("a wait that never ends is bounded in time, with a last look at the deadline, and says so", async () => {
    const time = fakeTime();
    const tree = scripted([{ type: "tree", messages: [placeholder()] }]);
    const outcome = await awaitLateImages({ conversationId: CID, pending: [{ messageId: "img", taskId: "task_1" }], readTree: tree.readTree, wait: { timeoutMs: 10_000 }, ...time });
    expect(outcome.type).toBe("failed");
    expect(outcome.type === "failed" && outcome.message).toContain("not ready after 10 s");
    expect(time.pauses.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...time.pauses)).toBeLessThanOrEqual(5_000);
  });

  test("bounded in looks too; the last trouble is named", async () => {
    const time = fakeTime();
    const tree = scripted([{ type: "again", reason: "ChatGPT failed at the conversation look-up (HTTP 502)", retryAfterMs: null }]);
    const outcome = await awaitLateImages({ conversationId: CID, pending: [{ messageId: "img", taskId: null }], readTree: tree.readTree, wait: { maxLooks: 3 }, ...time });
    expect(outcome).toEqual({ type: "failed", looks: 3, message: expect.stringContaining("(3 looks at the conversation; the last look said: ChatGPT failed at the conversation look-up (HTTP 502))") });
  });

  test("a refusal ends the wait at once; a failed task is named", async () => {
    const refused = await awaitLateImages({
      conversationId: CID,
      pending: [{ messageId: "img", taskId: null }],
      readTree: scripted([{ type: "refused", error: new UpstreamError("bad-request", "ChatGPT rejected the conversation look-up (HTTP 404): Conversation not found") }]).readTree,
      ...fakeTime(),
    });
    const failedTask = message("img", "tool", { content_type: "system_error", name: "ChatGPTAgentToolRateLimitException", text: "You've reached the image generation limit." }, { async_task_type: "image_gen" });
    const failed = await awaitLateImages({ conversationId: CID, pending: [{ messageId: "img", taskId: null }], readTree: scripted([{ type: "tree", messages: [failedTask] }]).readTree, ...fakeTime() });
    expect([refused, failed]).toEqual([
      { type: "failed", looks: 1, message: expect.stringContaining("HTTP 404): Conversation not found") },
      { type: "failed", looks: 1, message: "ChatGPT's image task ended without an image: You've reached the image generation limit." },
    ]);
  });

  test("the caller's abort ends the wait", async () => {
    const aborter = new AbortController();
    const tree: ReadConversationTree = async () => {
      aborter.abort(new Error("client left"));
      return { type: "tree", messages: [placeholder()] };
    };
    const error = await awaitLateImages({ conversationId: CID, pending: [{ messageId: "img", taskId: null }], readTree: tree, signal: aborter.signal, ...fakeTime() }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("client left");
  });
});

describe("followLateImages", () => {
  test("a turn without a pending image passes through untouched and never looks", async () => {
    const tree = scripted([]);
    const list = [msg(prompt), msg(finished()), COMPLETE, DONE];
    expect(await collect(followLateImages(events(...list), { readTree: tree.readTree, ...fakeTime() }))).toEqual(list);
    expect(tree.asked).toEqual([]);
  });

  test("a placeholder at the end of the stream: the finished message is passed on before [DONE]", async () => {
    const tree = scripted([{ type: "tree", messages: [prompt, finished()] }]);
    const out = await collect(followLateImages(events(msg(prompt), msg(placeholder()), COMPLETE, DONE), { readTree: tree.readTree, ...fakeTime() }));
    expect(out).toEqual([msg(prompt), msg(placeholder()), COMPLETE, msg(finished()), DONE]);
  });

  test("a stream that ends after message_stream_complete without [DONE] is settled too; a failed wait is an error event", async () => {
    const tree = scripted([{ type: "tree", messages: [placeholder()] }]);
    const out = await collect(followLateImages(events(msg(placeholder()), COMPLETE), { readTree: tree.readTree, wait: { timeoutMs: 2_000 }, ...fakeTime() }));
    expect(out.slice(0, 2)).toEqual([msg(placeholder()), COMPLETE]);
    expect(out[2]).toEqual({ type: "error", conversationId: CID, message: expect.stringContaining("not ready after 2 s") });
    expect(out).toHaveLength(3);
  });

  test("an image that arrives in the stream after its placeholder (the WebSocket path) is not waited for; a cut stream is not either", async () => {
    const tree = scripted([]);
    await collect(followLateImages(events(msg(placeholder()), msg(finished()), DONE), { readTree: tree.readTree, ...fakeTime() }));
    await collect(followLateImages(events(msg(placeholder())), { readTree: tree.readTree, ...fakeTime() }));
    expect(tree.asked).toEqual([]);
  });

  test("cancelling the stream aborts the wait", async () => {
    let sawAbort = false;
    let looking: () => void = () => {};
    const looked = new Promise<void>((resolve) => {
      looking = resolve;
    });
    const hanging: ReadConversationTree = (_id, signal) =>
      new Promise((_resolve, reject) => {
        looking();
        signal?.addEventListener("abort", () => {
          sawAbort = true;
          reject(signal.reason);
        });
      });
    const stream = followLateImages(events(msg(placeholder()), DONE), { readTree: hanging, ...fakeTime() });
    const reader = stream.getReader();
    await reader.read();
    const next = reader.read().catch(() => null);
    await looked;
    await reader.cancel(new Error("client left"));
    await next;
    expect(sawAbort).toBe(true);
  });

  test("the request's signal ends the wait too", async () => {
    const client = new AbortController();
    let sawAbort = false;
    // never answers: only an abort of the signal it is given ends the look
    const hanging: ReadConversationTree = (_id, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener("abort", () => {
          sawAbort = true;
          reject(signal.reason);
        });
        client.abort(new Error("client left"));
      });
    await collect(followLateImages(events(msg(placeholder()), DONE), { readTree: hanging, signal: client.signal, ...fakeTime() })).catch(() => null);
    expect(sawAbort).toBe(true);
  });
});

describe("treeMessages", () => {
  test("the mapping's well-formed messages; the root's null and malformed ones left out", () => {
    const body = { mapping: { root: { id: "root", message: null, children: ["img"] }, img: { id: "img", message: finished() }, bad: { id: "bad", message: { id: 3 } } }, current_node: "img" };
    expect(treeMessages(body)).toEqual([finished()]);
  });
});
