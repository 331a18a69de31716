/**
 * The engine's pieces together against the strict Codex emulator (test/emulator/codex): what the converters build is
 * what the backend accepts, and what it streams decodes into the expected events.
 */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../../../test/emulator/index.ts";
import { chatToCodex } from "./chat-to-codex.ts";
import type { ChatRequestForCodex } from "./chat-request.ts";
import { openCodexResponse } from "./client.ts";
import type { CodexRequestBody, ToCodexResult } from "./codex-body.ts";
import { CodexError } from "./errors.ts";
import type { CodexEvent } from "./events.ts";
import { fetchCodexModels } from "./fetch-models.ts";
import { fetchCodexUsage } from "./fetch-usage.ts";
import { bindingWindow } from "./quota.ts";
import { readCodexEvents } from "./read-events.ts";
import { responsesToCodex } from "./responses-to-codex.ts";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Account = ReturnType<Emulator["addCodexAccount"]>;

function bodyOf(result: ToCodexResult): CodexRequestBody {
  if (!result.ok) throw new Error(result.error.message);
  return result.body;
}

async function run(emu: Emulator, account: Account, body: CodexRequestBody): Promise<CodexEvent[]> {
  const answer = await openCodexResponse({ baseUrl: emu.url, accessToken: account.accessToken, accountId: account.accountId, body });
  const events: CodexEvent[] = [];
  for await (const event of readCodexEvents(answer.events)) events.push(event);
  return events;
}

const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

describe("the Codex engine against the emulator", () => {
  test("a chat request with tools: parallel calls stream, then the round trip with the tool outputs answers in text", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ calls: [{ name: "get_weather", arguments: { city: "Paris" }, callId: "call_p" }, { name: "get_weather", arguments: { city: "Rome" }, callId: "call_r" }] });
    const request: ChatRequestForCodex & Record<string, unknown> = {
      model: "gpt-5.5",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Weather in Paris and Rome?" }],
      tools: [weather],
      tool_choice: "auto",
      reasoning_effort: "none",
      temperature: 0.3,
      max_tokens: 50,
    };
    const first = await run(emu, account, bodyOf(chatToCodex(request)));
    const ends = first.filter((event) => event.type === "tool-call-end");
    expect(ends).toEqual([
      { type: "tool-call-end", index: 0, arguments: '{"city":"Paris"}' },
      { type: "tool-call-end", index: 1, arguments: '{"city":"Rome"}' },
    ]);
    expect(first.at(-1)).toMatchObject({ type: "finish", reason: "tool_calls" });

    const followUp = chatToCodex({
      ...request,
      messages: [
        ...request.messages,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_p", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_r", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_p", content: "18°C" },
        { role: "tool", tool_call_id: "call_r", content: "24°C" },
      ],
    });
    const second = await run(emu, account, bodyOf(followUp));
    expect(second.some((event) => event.type === "content")).toBe(true);
    expect(second.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  test("a Responses history replayed with its ids and reasoning is accepted (ids stripped, reasoning by encrypted content)", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ reasoning: ["Looking at the files."], calls: [{ name: "shell", arguments: { command: ["ls"] }, callId: "call_ls" }] });
    const tools = [{ type: "function", name: "shell", parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } } } } }];
    const request = { model: "gpt-5.5", instructions: "You are Codex.", input: "List the files", tools, reasoning: { effort: "low", summary: "auto" } };
    const first = await run(emu, account, bodyOf(responsesToCodex(request)));
    const items = first.filter((event) => event.type === "output-item").map((event) => event.item as Record<string, unknown>);
    expect(items.map((item) => [item.type, typeof item.id])).toEqual([
      ["reasoning", "string"],
      ["function_call", "string"],
    ]);
    expect(typeof items[0]?.encrypted_content).toBe("string");
    const second = await run(
      emu,
      account,
      bodyOf(responsesToCodex({ ...request, input: [{ role: "user", content: "List the files" }, ...items, { type: "function_call_output", call_id: "call_ls", output: "hello.txt" }] })),
    );
    expect(second.at(-1)).toMatchObject({ type: "finish" });
    expect(second.some((event) => event.type === "failed")).toBe(false);
  });

  test("the body of an untouched request passes the strict body checks (store, stream, instructions, no refused fields)", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const events = await run(emu, account, bodyOf(chatToCodex({ model: "gpt-5.5", messages: [{ role: "user", content: "hello" }], top_p: 0.5, n: 1, stop: "x", seed: 1 } as ChatRequestForCodex)));
    expect(events[0]).toMatchObject({ type: "start", model: "gpt-5.5" });
    expect(events.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  test("the stream decodes when the emulator sends no Content-Type", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.configure({ omitContentType: true });
    const events = await run(emu, account, bodyOf(chatToCodex({ model: "gpt-5.5", messages: [{ role: "user", content: "hello" }] })));
    expect(events.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  test("an exhausted window: usage-limit thrown with its reset, and the quota rests the account until then", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.exhaust(account.id);
    const error = await run(emu, account, bodyOf(chatToCodex({ model: "gpt-5.5", messages: [{ role: "user", content: "hello" }] }))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodexError);
    const { kind, resetsAt, quota } = error as CodexError;
    expect(kind).toBe("usage-limit");
    expect(bindingWindow(quota, Date.now()).restingUntil).toBe(resetsAt);
    const usage = await fetchCodexUsage({ baseUrl: emu.url, accessToken: account.accessToken, accountId: account.accountId });
    expect(bindingWindow(usage, Date.now()).headroom).toBe(0);
  });

  test("the catalog for this client version, then not-modified by its ETag", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "plus" });
    const connection = { baseUrl: emu.url, accessToken: account.accessToken, accountId: account.accountId };
    const first = await fetchCodexModels(connection);
    if (first.notModified) throw new Error("expected a catalog");
    expect(first.models.map((model) => model.slug)).toContain("gpt-5.5");
    expect(first.models.find((model) => model.slug === "gpt-5.5")?.efforts).toEqual(["low", "medium", "high", "xhigh"]);
    expect(await fetchCodexModels(connection, first.etag)).toEqual({ notModified: true });
  });
});
