/**
 * End-to-end (issue #3 points 2–5): what ChatGPT's tools produce reaches the client as OpenAI clients render it —
 * code and its output fenced, images and sandbox files as working links, citations as markdown links, reasoning in
 * `reasoning_content` (or quoted inline), moderation as a refusal — and GPTs, history and CHECK_MODEL reach the
 * upstream as the web app would send them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { EmulatedAccount } from "../emulator/index.ts";
import { scenarioReasoningText, webGenerationUnderTest } from "../support/web-generation.ts";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;
let plus: EmulatedAccount;

beforeAll(async () => {
  h = await startHarness({ env: { HISTORY_DISABLED: "false" } });
  plus = h.emulator.addAccount({ plan: "plus" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

async function ask(model: string, content: string) {
  const completion = await h.client(plus.accessToken).chat.completions.create({ model, messages: [{ role: "user", content }] });
  return { completion, text: completion.choices[0]?.message.content ?? "" };
}

/** Every markdown link target in the text, each fetched: it must serve bytes. */
async function expectWorkingLinks(text: string, count: number): Promise<void> {
  const urls = [...text.matchAll(/\]\((http[^)\s]+)\)/g)].map((match) => match[1] ?? "");
  expect(urls).toHaveLength(count);
  for (const url of urls) {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
  }
}

describe("rich output", () => {
  test("code interpreter: code and output as fenced blocks, the sandbox file as a working download link", async () => {
    const { text } = await ask("gpt-4o", "Plot it [[scenario:code]]");
    expect(text).toStartWith("```python\n");
    expect(text).toContain("\n```\n\n```Output\n4\n```\n\nYou said: Plot it");
    expect(text).not.toContain("sandbox:");
    await expectWorkingLinks(text, 1);
  });

  test("DALL·E: the prompt fenced, the image as markdown with a working URL", async () => {
    const { text } = await ask("gpt-4o", "Draw a cat [[scenario:dalle]]");
    expect(text).toStartWith("```dalle.text2im\n");
    // the upstream's signed link (2024), or chat2api's own where the upstream's needs the account's bearer (2026)
    expect(text).toMatch(webGenerationUnderTest() === "2026" ? /!\[image\]\(http:\/\/127\.0\.0\.1:\d+\/v1\/assets\/[0-9a-f]{32}\)/ : /!\[image\]\(http:\/\/127\.0\.0\.1:\d+\/files-content\/file-/);
    await expectWorkingLinks(text, 1);
  });

  test("4o image generation: progress lines, then the image exactly once", async () => {
    const { text } = await ask("gpt-4o-image", "Make a logo [[scenario:image-gen]]");
    expect(text).toContain("> 🏃 50.00%");
    expect(text.match(/!\[image\]/g)).toHaveLength(1);
    await expectWorkingLinks(text, 1);
  });

  test("browsing: citations as markdown links, text around them intact, no raw markers", async () => {
    const { text } = await ask("gpt-4o", "Look it up [[scenario:browse]]");
    expect(text).toBe(
      "You said: Look it up Sources agree on this and [Example Docs](https://docs.example.com/answer) the wiki confirms it. [Example Wiki](https://wiki.example.org/Answer)",
    );
    expect(text).not.toContain("【");
  });

  test("a preamble in a non-final message's finished event is kept", async () => {
    const { text } = await ask("gpt-4o", "Go [[scenario:preamble]]");
    expect(text).toBe("Let me look at that first. Here is what I found:\n\nYou said: Go");
  });

  test("moderation: a refusal with finish_reason content_filter", async () => {
    const { completion } = await ask("gpt-4o", "Something bad [[scenario:moderation]]");
    expect(completion.choices[0]).toMatchObject({ finish_reason: "content_filter", message: { content: null, refusal: expect.stringContaining("can't help") } });
  });

  test("reasoning models stream their thinking as reasoning_content deltas, never inside content", async () => {
    const stream = await h.client(plus.accessToken).chat.completions.create({
      model: "o3",
      messages: [{ role: "user", content: "Think [[scenario:reasoning]]" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const delta = (chunk: ChatCompletionChunk) => chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
    const reasoning = chunks.map((chunk) => delta(chunk)?.reasoning_content ?? "").join("");
    const content = chunks.map((chunk) => delta(chunk)?.content ?? "").join("");
    expect(reasoning).toBe(scenarioReasoningText());
    expect(content).toBe("You said: Think");
    expect(chunks.at(-1)?.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  test("REASONING_DISPLAY=inline quotes the thinking in content, chat2api's style", async () => {
    await using inline = await startHarness({ env: { REASONING_DISPLAY: "inline" } });
    const account = inline.emulator.addAccount({ plan: "plus" });
    const completion = await inline.client(account.accessToken).chat.completions.create({ model: "o3", messages: [{ role: "user", content: "Think [[scenario:reasoning]]" }] });
    const text = completion.choices[0]?.message.content ?? "";
    expect(text).toContain("> Reading the question carefully.");
    expect(text).toContain("Planning a short, direct answer.");
    expect(text).not.toContain("Thought for");
    expect(text).toEndWith("You said: Think");
  });
});

describe("GPTs", () => {
  test.each([
    ["gpt-4-gizmo-g-abc123", "g-abc123"],
    ["g-p-project42", "g-p-project42"],
  ])("%s → gizmo_interaction with gizmo_id %s upstream", async (model, gizmoId) => {
    const { text } = await ask(model, "Hello GPT");
    expect(text).toBe("You said: Hello GPT");
    const body = h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1)?.body as { conversation_mode: unknown };
    expect(body.conversation_mode).toEqual({ kind: "gizmo_interaction", gizmo_id: gizmoId });
  });
});

describe("history", () => {
  test("with history on, responses carry conversation_id and message_id, and sending them back continues the conversation", async () => {
    const first = await h.client(plus.accessToken).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "First turn" }] });
    const ids = first as unknown as { conversation_id: string; message_id: string };
    expect(ids.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.message_id).toMatch(/^[0-9a-f-]{36}$/);
    const response = await h.fetch(
      "/v1/chat/completions",
      post(
        {
          model: "gpt-4o",
          conversation_id: ids.conversation_id,
          parent_message_id: ids.message_id,
          messages: [
            { role: "user", content: "First turn" },
            { role: "assistant", content: first.choices[0]?.message.content },
            { role: "user", content: "Second turn" },
          ],
        },
        plus.accessToken,
      ),
    );
    expect(response.status).toBe(200);
    const second = (await response.json()) as { conversation_id: string; choices: Array<{ message: { content: string } }> };
    expect(second.conversation_id).toBe(ids.conversation_id);
    expect(second.choices[0]?.message.content).toBe("You said: Second turn");
    const sent = h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1);
    const body = sent?.body as { conversation_id: string; parent_message_id: string; messages: unknown[]; history_and_training_disabled?: boolean };
    expect(body).toMatchObject({ conversation_id: ids.conversation_id, parent_message_id: ids.message_id });
    expect(body.messages).toHaveLength(1);
    expect(body.history_and_training_disabled).toBeUndefined();
  });

  test("streams carry conversation_id and message_id on every chunk when history is on", async () => {
    const stream = await h.client(plus.accessToken).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "ids" }], stream: true });
    const chunks: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) chunks.push(chunk as unknown as Record<string, unknown>);
    expect(chunks.slice(1).every((chunk) => typeof chunk.conversation_id === "string" && typeof chunk.message_id === "string")).toBe(true);
  });

  test("the default (temporary chats) sends history_and_training_disabled and returns no ids; body history_disabled:false turns it on", async () => {
    await using temporary = await startHarness();
    const account = temporary.emulator.addAccount({ plan: "plus" });
    const plain = (await (await temporary.fetch("/v1/chat/completions", post({ model: "gpt-4o", messages: [{ role: "user", content: "t" }] }, account.accessToken))).json()) as Record<string, unknown>;
    expect(plain.conversation_id).toBeUndefined();
    expect((temporary.emulator.log.at(-1)?.body as { history_and_training_disabled?: boolean }).history_and_training_disabled).toBe(true);
    const kept = (await (
      await temporary.fetch("/v1/chat/completions", post({ model: "gpt-4o", history_disabled: false, messages: [{ role: "user", content: "t" }] }, account.accessToken))
    ).json()) as Record<string, unknown>;
    expect(kept.conversation_id).toBeString();
  });

  test("continuing without parent_message_id is a 400 that says what to send", async () => {
    const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o", conversation_id: "x", messages: [{ role: "user", content: "t" }] }, plus.accessToken));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("parent_message_id");
  });
});

describe("model checks before a conversation is spent", () => {
  test("a free account asking for a paid-only model gets 404 model_not_found from the persona, no conversation sent", async () => {
    const free = h.emulator.addAccount({ plan: "free" });
    const before = h.emulator.stats().conversations;
    const error = await h.client(free.accessToken).chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ code: "model_not_found" });
    expect(h.emulator.stats().conversations).toBe(before);
  });

  test("CHECK_MODEL=true asks the account's model list once and refuses what it lacks before any conversation", async () => {
    await using checked = await startHarness({ env: { CHECK_MODEL: "true" } });
    const free = checked.emulator.addAccount({ plan: "free" });
    const error = await checked.client(free.accessToken).chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(checked.emulator.stats().conversations).toBe(0);
    const ok = await checked.client(free.accessToken).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
    expect(ok.choices[0]?.message.content).toBe("You said: x");
    expect(checked.emulator.log.filter((entry) => entry.path.endsWith("/models"))).toHaveLength(1);
  });

  test("an upstream slug we do not know passes through when the account lists it", async () => {
    const custom = h.emulator.addAccount({ plan: "plus", models: ["gpt-4o", "research-preview-7"] });
    const completion = await h.client(custom.accessToken).chat.completions.create({ model: "research-preview-7", messages: [{ role: "user", content: "x" }] });
    expect(completion.choices[0]?.message.content).toBe("You said: x");
    expect(h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1)?.model).toBe("research-preview-7");
  });
});
