/**
 * @module Conversations through the pool, end to end (history on): a continuation is served by the account that
 * holds the conversation, however round-robin would turn, and a caller with another pool key cannot continue it:
 * to that caller it does not exist (404, nothing sent upstream). The emulator's log witnesses each account.
 */
import { describe, expect, test } from "bun:test";
import { POOL_KEY, type PoolHarness, startPoolHarness } from "./pool-harness.ts";

const SECOND_KEY = "sk-pool-e2e-second-9876543210";

interface ChatReply {
  conversation_id: string;
  message_id: string;
  choices: Array<{ message: { content: string } }>;
}

type Message = { role: "user" | "assistant"; content: string };

async function post(h: PoolHarness, path: string, body: unknown, key: string): Promise<Response> {
  return fetch(`${h.server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

/** Three plus accounts, added in this order; their emulator ids. */
async function threeAccounts(h: PoolHarness): Promise<string[]> {
  const list = [h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" })];
  expect((await h.admin("POST", "/accounts", { tokens: list.map((a) => a.accessToken).join("\n") })).status).toBe(200);
  return list.map((a) => a.id);
}

async function startConversation(h: PoolHarness, key: string, text: string): Promise<{ reply: ChatReply; messages: Message[] }> {
  const messages: Message[] = [{ role: "user", content: text }];
  const response = await post(h, "/v1/chat/completions", { model: "gpt-4o", messages }, key);
  expect(response.status).toBe(200);
  return { reply: (await response.json()) as ChatReply, messages };
}

describe("conversations through the pool", () => {
  test("a client continues its own conversation 9 times out of 9 on the account that holds it", async () => {
    await using h = await startPoolHarness({ HISTORY_DISABLED: "false" });
    await threeAccounts(h);
    const { reply, messages } = await startConversation(h, POOL_KEY, "turn 0");
    const [holder = "missing"] = h.servedBy();
    let last = reply;
    const from = h.emulator.log.length;
    for (let turn = 1; turn <= 9; turn++) {
      // another request in between moves round-robin on, as other clients would
      expect((await h.chat("gpt-4o")).status).toBe(200);
      messages.push({ role: "assistant", content: last.choices[0]?.message.content ?? "" }, { role: "user", content: `turn ${turn}` });
      const response = await post(h, "/v1/chat/completions", { model: "gpt-4o", messages, conversation_id: reply.conversation_id, parent_message_id: last.message_id }, POOL_KEY);
      expect({ turn, status: response.status }).toEqual({ turn, status: 200 });
      last = (await response.json()) as ChatReply;
      expect([last.conversation_id, last.choices[0]?.message.content]).toEqual([reply.conversation_id, `You said: turn ${turn}`]);
    }
    const continued = h.emulator.log
      .slice(from)
      .filter((e) => e.path.endsWith("/conversation") && e.method === "POST" && (e.body as { conversation_id?: string }).conversation_id === reply.conversation_id)
      .map((e) => `${e.account}:${e.status}`);
    expect(continued).toEqual(Array.from({ length: 9 }, () => holder));
  }, 30_000);

  test("another pool key cannot continue the conversation (404, nothing upstream); its maker still can", async () => {
    await using h = await startPoolHarness({ HISTORY_DISABLED: "false", AUTHORIZATION: `${POOL_KEY},${SECOND_KEY}` });
    await threeAccounts(h);
    const { reply, messages } = await startConversation(h, POOL_KEY, "mine");
    const [holder = "missing"] = h.servedBy();
    const continuation = {
      model: "gpt-4o",
      messages: [...messages, { role: "assistant", content: reply.choices[0]?.message.content }, { role: "user", content: "let me in" }],
      conversation_id: reply.conversation_id,
      parent_message_id: reply.message_id,
    };
    const from = h.emulator.log.length;
    const foreign = await post(h, "/v1/chat/completions", continuation, SECOND_KEY);
    expect([foreign.status, await foreign.json()]).toEqual([
      404,
      {
        error: {
          message: `Conversation ${reply.conversation_id} not found. Only the key that started a conversation can continue it.`,
          type: "invalid_request_error",
          param: "conversation_id",
          code: "conversation_not_found",
        },
      },
    ]);
    // the same key with a workspace suffix is still another caller
    expect((await post(h, "/v1/chat/completions", continuation, `${SECOND_KEY},team-x`)).status).toBe(404);
    // an id this pool never served is unknown to every key
    expect((await post(h, "/v1/chat/completions", { ...continuation, conversation_id: crypto.randomUUID() }, POOL_KEY)).status).toBe(404);
    expect(h.emulator.log.slice(from).filter((e) => e.path.endsWith("/conversation"))).toEqual([]);
    const own = await post(h, "/v1/chat/completions", continuation, POOL_KEY);
    expect(own.status).toBe(200);
    expect(h.servedBy(from)).toEqual([holder]);
  }, 30_000);

  test("Responses: previous_response_id of another key is not found; its maker continues on the holding account", async () => {
    await using h = await startPoolHarness({ HISTORY_DISABLED: "false", AUTHORIZATION: `${POOL_KEY},${SECOND_KEY}` });
    await threeAccounts(h);
    const created = await post(h, "/v1/responses", { model: "gpt-4o", input: "first" }, POOL_KEY);
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const [holder = "missing"] = h.servedBy();
    const from = h.emulator.log.length;
    const foreign = await post(h, "/v1/responses", { model: "gpt-4o", input: "second", previous_response_id: id }, SECOND_KEY);
    expect([foreign.status, ((await foreign.json()) as { error: unknown }).error]).toEqual([
      404,
      { message: `Previous response with id '${id}' not found.`, type: "invalid_request_error", param: "previous_response_id", code: "previous_response_not_found" },
    ]);
    for (let i = 0; i < 3; i++) {
      const next = await post(h, "/v1/responses", { model: "gpt-4o", input: `again ${i}`, previous_response_id: id }, POOL_KEY);
      expect(next.status).toBe(200);
    }
    expect(h.servedBy(from)).toEqual([holder, holder, holder]);
  }, 30_000);
});
