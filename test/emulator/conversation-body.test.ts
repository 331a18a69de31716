/** The conversation body is validated strictly (upstream.md §5), models follow the plan, and history persists. */
import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { MAX_INPUT_CHARACTERS } from "./conversation-body.ts";
import { startEmulator } from "./index.ts";
import { conversationBody, converse, decodeLegacy, identity, requirements, sentinelHeaders } from "./test-client.ts";

const userMessage = (text: string) => ({ id: randomUUID(), author: { role: "user" }, content: { content_type: "text", parts: [text] }, metadata: {} });

describe("body validation", () => {
  test.each([
    ["an unknown action", { action: "regenerate" }],
    ["messages that are not a list", { messages: "hi" }],
    ["a message id that is not a UUID", { messages: [{ ...userMessage("hi"), id: "m1" }] }],
    ["an unknown author role", { messages: [{ ...userMessage("hi"), author: { role: "robot" } }] }],
    ["text parts that are not strings", { messages: [{ ...userMessage("hi"), content: { content_type: "text", parts: [1] } }] }],
    ["an unsupported content type", { messages: [{ ...userMessage("hi"), content: { content_type: "code", text: "x" } }] }],
    ["no user message", { messages: [{ ...userMessage("hi"), author: { role: "system" } }] }],
    ["a missing model", { model: undefined }],
    ["a parent that is neither root nor a UUID", { parent_message_id: "root" }],
    ["a missing conversation_mode", { conversation_mode: undefined }],
    ["gizmo_interaction without a gizmo id", { conversation_mode: { kind: "gizmo_interaction" } }],
    ["a non-boolean history flag", { history_and_training_disabled: "yes" }],
    ["supported_encodings that is not a list", { supported_encodings: "v1" }],
    ["a conversation_id that is not a UUID", { conversation_id: "abc" }],
  ])("%s is a 422 JSON error", async (_, patch) => {
    await using emu = await startEmulator();
    const response = await converse(identity(emu.url), conversationBody("hi", patch));
    const body = (await response.json()) as { detail: { loc: string[] }[] };
    expect([response.status, response.headers.get("content-type"), body.detail[0]?.loc[0]]).toEqual([422, "application/json", "body"]);
  });

  test("an input longer than the limit is a 413", async () => {
    await using emu = await startEmulator();
    const response = await converse(identity(emu.url), conversationBody("x".repeat(MAX_INPUT_CHARACTERS + 1)));
    expect([response.status, ((await response.json()) as { detail: { code: string } }).detail.code]).toEqual([413, "message_length_exceeds_limit"]);
  });

  test("a body that is not JSON is a 400", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    const headers = sentinelHeaders(await requirements(who));
    const response = await fetch(`${who.base}/conversation`, { method: "POST", headers: { ...who.headers, ...headers }, body: "{not json" });
    expect(response.status).toBe(400);
  });

  test("a gizmo conversation with a g- id, system and assistant history is accepted", async () => {
    await using emu = await startEmulator();
    const messages = [{ ...userMessage("be brief"), author: { role: "system" } }, userMessage("hi"), { ...userMessage("hello"), author: { role: "assistant" } }, userMessage("again")];
    const response = await converse(identity(emu.url), conversationBody("", { messages, conversation_mode: { kind: "gizmo_interaction", gizmo_id: "g-abc123" } }));
    expect([response.status, decodeLegacy(await response.text()).messages.at(-1)?.content]).toEqual([200, { content_type: "text", parts: ["You said: again"] }]);
  });
});

describe("models", () => {
  test.each([
    ["free", "gpt-4o", 404],
    ["free", "gpt-5-mini", 200],
    ["plus", "o3", 200],
    ["plus", "gpt-9", 404],
    ["team", "gpt-4", 200],
  ] as const)("a %s account asking for %s gets %i", async (plan, model, status) => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ plan, accountId: "ws" });
    const who = identity(emu.url, account.accessToken, plan === "team" ? { "chatgpt-account-id": "ws" } : {});
    const response = await converse(who, conversationBody("hi", { model }));
    expect(response.status).toBe(status);
  });

  test("anonymous callers get only the free models", async () => {
    await using emu = await startEmulator();
    const response = await converse(identity(emu.url), conversationBody("hi", { model: "gpt-4o" }));
    expect([response.status, await response.json()]).toEqual([404, { detail: { message: "The model `gpt-4o` does not exist or you do not have access to it.", code: "model_not_found" } }]);
  });

  test("GET /models lists the plan's slugs with titles", async () => {
    await using emu = await startEmulator();
    const free = emu.addAccount({ plan: "free" });
    const custom = emu.addAccount({ plan: "plus", models: ["gpt-4o"] });
    const list = async (token: string) => ((await (await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { models: { slug: string; title: string; tags?: unknown[] }[] }).models;
    expect([(await list(free.accessToken)).map((m) => m.slug), await list(custom.accessToken)]).toEqual([
      ["auto", "gpt-4o-mini", "text-davinci-002-render-sha", "gpt-5-mini"],
      [{ slug: "gpt-4o", title: "GPT-4o", tags: [] }],
    ]);
  });
});

describe("conversation history", () => {
  async function firstTurn() {
    const emu = await startEmulator();
    const account = emu.addAccount();
    const decoded = decodeLegacy(await (await converse(identity(emu.url, account.accessToken), conversationBody("first"))).text());
    const last = decoded.messages.at(-1) as { id: string };
    return { emu, account, conversationId: String(decoded.typed[0]?.conversation_id), lastId: last.id };
  }

  test("a persisted conversation can be continued with its id and last message id, keeping the id", async () => {
    const { emu, account, conversationId, lastId } = await firstTurn();
    await using _ = emu;
    const next = decodeLegacy(await (await converse(identity(emu.url, account.accessToken), conversationBody("second", { conversation_id: conversationId, parent_message_id: lastId }))).text());
    expect([next.typed.map((t) => t.conversation_id), (next.messages[0] as { metadata: { parent_id: string } }).metadata.parent_id]).toEqual([[conversationId, conversationId], lastId]);
  });

  test("another account cannot continue it (404)", async () => {
    const { emu, conversationId } = await firstTurn();
    await using _ = emu;
    const other = emu.addAccount();
    expect((await converse(identity(emu.url, other.accessToken), conversationBody("x", { conversation_id: conversationId }))).status).toBe(404);
  });

  test("a parent id that is not in the conversation is a 400", async () => {
    const { emu, account, conversationId } = await firstTurn();
    await using _ = emu;
    expect((await converse(identity(emu.url, account.accessToken), conversationBody("x", { conversation_id: conversationId, parent_message_id: randomUUID() }))).status).toBe(400);
  });

  test("a temporary conversation (history disabled) cannot be continued", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const decoded = decodeLegacy(await (await converse(identity(emu.url, account.accessToken), conversationBody("t", { history_and_training_disabled: true }))).text());
    const conversationId = String(decoded.typed[0]?.conversation_id);
    expect((await converse(identity(emu.url, account.accessToken), conversationBody("x", { conversation_id: conversationId }))).status).toBe(404);
  });

  test("every assistant message carries the model slug and a UUID id", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const decoded = decodeLegacy(await (await converse(identity(emu.url, account.accessToken), conversationBody("x [[scenario:reasoning]]", { model: "o3" }))).text());
    const rest = decoded.messages.slice(1) as { id: string; metadata: { model_slug: string } }[];
    expect(rest.map((m) => [m.metadata.model_slug, /^[0-9a-f-]{36}$/.test(m.id)])).toEqual([["o3", true], ["o3", true]]);
  });
});
