/**
 * End-to-end: the small fixes of issue 10 on the web engine — `n > 1` refused naming `n`; a legacy `role: "function"`
 * message accepted; `tool_choice` in every form accepted by chat and Responses alike; Responses tool history
 * (`function_call`, `function_call_output`, `custom_tool_call(_output)`, `local_shell_call(_output)`) accepted and
 * sent upstream as the text blocks of the tool prompt; multi-part developer text joined with a newline.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

type Json = Record<string, unknown>;

/** The texts of the messages the last conversation request sent upstream, with their roles. */
function lastUpstreamMessages(): Array<[string, string]> {
  const write = h.emulator.log.findLast((e) => /\/(f\/)?conversation$/.test(e.path) && e.method === "POST");
  const messages = ((write?.body as Json | undefined)?.messages ?? []) as Array<{ author: { role: string }; content: { parts: unknown[] } }>;
  return messages.map((m) => [m.author.role, m.content.parts.filter((p) => typeof p === "string").join("|")]);
}

async function errorOf(response: Response): Promise<Json> {
  return ((await response.json()) as { error: Json }).error;
}

const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

describe("chat completions", () => {
  test("n above 1 is a 400 naming n and saying only one choice is supported", async () => {
    const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], n: 2 }));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ param: "n", code: "unsupported_value", type: "invalid_request_error" });
    expect(String(error.message)).toContain("Only one choice is supported");
  });

  test("n of 1 is fine", async () => {
    const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], n: 1 }));
    expect(response.status).toBe(200);
  });

  test("a legacy function call and its role:function result are accepted and sent as text", async () => {
    const messages = [
      { role: "user", content: "List the files" },
      { role: "assistant", content: null, function_call: { name: "ls", arguments: '{"path":"."}' } },
      { role: "function", name: "ls", content: "a.txt b.txt" },
    ];
    const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages, functions: [{ name: "ls", parameters: { type: "object" } }] }));
    expect(response.status).toBe(200);
    // the declared function is described in a system message first
    const [instructions, ...sent] = lastUpstreamMessages();
    expect(instructions?.[0]).toBe("system");
    expect(sent.map(([role]) => role)).toEqual(["user", "assistant", "user"]);
    expect(sent[1]?.[1]).toContain("ls");
    expect(sent[2]?.[1]).toContain("a.txt b.txt");
  });

  test.each([
    ["none", "none"],
    ["auto", "auto"],
    ["required", "required"],
    ["a named function", { type: "function", function: { name: "get_weather" } }],
    ["allowed_tools", { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "get_weather" } }] } }],
  ])("tool_choice %s is accepted", async (_label, toolChoice) => {
    const response = await h.fetch("/v1/chat/completions", post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather?" }], tools: [weatherTool], tool_choice: toolChoice }));
    expect(response.status).toBe(200);
  });
});

describe("Responses", () => {
  const tools = [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }];

  test.each([
    ["none", "none"],
    ["auto", "auto"],
    ["required", "required"],
    ["a named function", { type: "function", name: "get_weather" }],
    ["allowed_tools", { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "get_weather" }] }],
  ])("tool_choice %s is accepted, as on chat", async (_label, toolChoice) => {
    const response = await h.fetch("/v1/responses", post({ model: "gpt-4o-mini", input: "Weather?", tools, tool_choice: toolChoice }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).tool_choice).toEqual(toolChoice);
  });

  test("a resumed session's function_call and function_call_output items are accepted and sent as text with their call ids", async () => {
    const input = [
      { role: "user", content: "Weather in Paris?" },
      { type: "function_call", id: "fc_1", call_id: "call_PARIS", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" },
      { type: "function_call_output", call_id: "call_PARIS", output: "sunny, 21°C" },
    ];
    const response = await h.fetch("/v1/responses", post({ model: "gpt-4o-mini", input, tools }));
    expect(response.status).toBe(200);
    const [instructions, ...sent] = lastUpstreamMessages();
    expect(instructions?.[1]).toContain("# Tools");
    expect(sent.map(([role]) => role)).toEqual(["user", "assistant", "user"]);
    expect(sent[1]?.[1]).toContain("get_weather");
    expect(sent[1]?.[1]).toContain("call_PARIS");
    expect(sent[1]?.[1]).toContain('{"city":"Paris"}');
    expect(sent[2]?.[1]).toContain("call_PARIS");
    expect(sent[2]?.[1]).toContain("sunny, 21°C");
  });

  test("the Codex CLI's history (developer parts, apply_patch, local shell) is accepted; developer parts are joined by a newline", async () => {
    const input = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "<skills_instructions>s</skills_instructions>" }, { type: "input_text", text: "<permissions instructions>p</permissions instructions>" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Fix it" }] },
      { type: "custom_tool_call", call_id: "call_P", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { type: "custom_tool_call_output", call_id: "call_P", output: "Success" },
      { type: "local_shell_call", id: "lsh_1", call_id: "call_S", action: { type: "exec", command: ["ls"] }, status: "completed" },
      { type: "local_shell_call_output", id: "call_S", output: '{"output":"a.txt"}' },
    ];
    const response = await h.fetch("/v1/responses", post({ model: "gpt-4o-mini", input }));
    expect(response.status).toBe(200);
    const sent = lastUpstreamMessages();
    expect(sent[0]).toEqual(["system", "<skills_instructions>s</skills_instructions>\n<permissions instructions>p</permissions instructions>"]);
    expect(sent.map(([role]) => role)).toEqual(["system", "user", "assistant", "user", "assistant", "user"]);
    expect(sent[2]?.[1]).toContain("apply_patch");
    expect(sent[5]?.[1]).toContain("a.txt");
  });
});
