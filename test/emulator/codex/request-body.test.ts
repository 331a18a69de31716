/** The body checks of codex.md §9 items 3–12 and 16: every refusal in its real envelope, and what is accepted. */
import { describe, expect, test } from "bun:test";
import { type Emulator, startEmulator } from "../index.ts";
import { makePng } from "../png.ts";
import { codexBody, codexHeaders, postResponses, readEvents, userMessage } from "./test-client.ts";
import type { CodexAccount } from "./types.ts";

async function answer(emu: Emulator, account: CodexAccount, body: unknown, headers: Record<string, string> = {}): Promise<[number, unknown]> {
  const response = await postResponses(emu.url, account, body, headers);
  const type = response.headers.get("content-type") ?? "";
  return [response.status, type.startsWith("application/json") ? await response.json() : (await response.text()).length > 0];
}

async function withAccount(plan: CodexAccount["plan"] = "plus"): Promise<{ emu: Emulator; account: CodexAccount } & AsyncDisposable> {
  const emu = await startEmulator();
  return { emu, account: emu.addCodexAccount({ plan }), [Symbol.asyncDispose]: () => emu.close() };
}

function openaiError(message: string, param: string | null, code: string | null) {
  return { error: { message, type: "invalid_request_error", param, code } };
}

const pngUrl = `data:image/png;base64,${Buffer.from(makePng(2, 2)).toString("base64")}`;

describe("gateway checks ({detail})", () => {
  test.each([
    ["stream false", { stream: false }, "Stream must be set to true"],
    ["stream missing", { stream: undefined }, "Stream must be set to true"],
    ["store true", { store: true }, "Store must be set to false"],
    ["store missing", { store: undefined }, "Store must be set to false"],
    ["instructions missing", { instructions: undefined }, "Instructions are required"],
    ["instructions not a string", { instructions: ["be brief"] }, "Instructions are required"],
  ])("%s → 400", async (_name, overrides, message) => {
    await using t = await withAccount();
    expect(await answer(t.emu, t.account, codexBody(overrides))).toEqual([400, { detail: message }]);
  });

  test.each([
    "max_output_tokens",
    "temperature",
    "top_p",
    "previous_response_id",
    "max_tokens",
    "max_completion_tokens",
    "stop",
    "n",
    "seed",
    "context_window",
    "max_context_window",
    "truncation_policy",
    "truncation",
    "user",
    "metadata",
    "logprobs",
    "top_logprobs",
    "presence_penalty",
    "frequency_penalty",
    "stream_options",
    "background",
    "conversation",
    "prompt_cache_retention",
    "safety_identifier",
    "generate",
  ])("%s → 400 Unsupported parameter", async (name) => {
    await using t = await withAccount();
    expect(await answer(t.emu, t.account, codexBody({ [name]: name === "stop" ? ["\n"] : 1 }))).toEqual([400, { detail: `Unsupported parameter: ${name}` }]);
  });

  test("an empty instructions string, all the accepted keys and a zstd body are fine", async () => {
    await using t = await withAccount();
    const body = codexBody({
      instructions: "",
      tools: [],
      tool_choice: "auto",
      parallel_tool_calls: true,
      reasoning: { effort: "low", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      service_tier: "priority",
      prompt_cache_key: "c0ffee",
      text: { verbosity: "low", format: { type: "text" } },
      client_metadata: { "x-codex-installation-id": "i-1" },
    });
    const plain = await answer(t.emu, t.account, body);
    const compressed = await fetch(`${t.emu.url}/backend-api/codex/responses`, {
      method: "POST",
      headers: codexHeaders(t.account, { "content-encoding": "zstd" }),
      body: new Uint8Array(Bun.zstdCompressSync(Buffer.from(JSON.stringify(body)))),
    });
    const { events } = await readEvents(compressed);
    expect([plain, compressed.status, events.at(-1)?.data.type, t.emu.log.at(-1)?.body]).toEqual([[200, true], 200, "response.completed", body]);
  });

  test("a body that is not JSON, or not an object, is 400", async () => {
    await using t = await withAccount();
    const send = (body: string) => fetch(`${t.emu.url}/backend-api/codex/responses`, { method: "POST", headers: codexHeaders(t.account), body });
    expect([(await send("{")).status, (await send("[]")).status]).toEqual([400, 400]);
  });
});

describe("models and versions", () => {
  test("an unknown slug, or one outside the plan, is not supported", async () => {
    await using t = await withAccount("free");
    const message = (m: string) => ({ detail: `The '${m}' model is not supported when using Codex with a ChatGPT account.` });
    expect([await answer(t.emu, t.account, codexBody({ model: "gpt-4o" })), await answer(t.emu, t.account, codexBody({ model: "gpt-5.4" }))]).toEqual([
      [400, message("gpt-4o")],
      [400, message("gpt-5.4")],
    ]);
  });

  test("a version (header, else the originator's User-Agent) below the model's minimal_client_version, or none, needs a newer Codex", async () => {
    await using t = await withAccount();
    const newer = { detail: "The 'gpt-5.6-sol' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again." };
    const old = await answer(t.emu, t.account, codexBody({ model: "gpt-5.6-sol" }), { version: "0.143.9" });
    const none = await fetch(`${t.emu.url}/backend-api/codex/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.account.accessToken}`, "chatgpt-account-id": t.account.accountId, "content-type": "application/json" },
      body: JSON.stringify(codexBody({ model: "gpt-5.6-sol" })),
    });
    const byUserAgent = (v: string) => answer(t.emu, t.account, codexBody({ model: "gpt-5.6-sol" }), { "user-agent": `codex_cli_rs/${v} (Linux; x86_64)`, version: "" });
    expect([old, [none.status, await none.json()], await byUserAgent("0.143.0")]).toEqual([[400, newer], [400, newer], [400, newer]]);
    const ok = await answer(t.emu, t.account, codexBody({ model: "gpt-5.6-sol" }), { version: "0.144.0" });
    expect([ok, await byUserAgent("0.144.0")]).toEqual([[200, true], [200, true]]);
  });
});

describe("reasoning, text and service tier", () => {
  test("an effort the model lacks is 400 unsupported_value naming the supported ones", async () => {
    await using t = await withAccount();
    expect(await answer(t.emu, t.account, codexBody({ reasoning: { effort: "none" } }))).toEqual([
      400,
      openaiError("Unsupported value: 'none' is not supported with the 'gpt-5.5' model. Supported values are: 'low', 'medium', 'high', and 'xhigh'.", "reasoning.effort", "unsupported_value"),
    ]);
    const [status, body] = await answer(t.emu, t.account, codexBody({ reasoning: { effort: "ultra" } }));
    expect([status, (body as { error: { param: string } }).error.param]).toEqual([400, "reasoning.effort"]);
    expect(await answer(t.emu, t.account, codexBody({ model: "gpt-6-astra", reasoning: { effort: "ultra" } }))).toEqual([200, true]);
  });

  test("minimal effort with web_search is refused on param tools", async () => {
    await using t = await withAccount();
    expect(await answer(t.emu, t.account, codexBody({ reasoning: { effort: "minimal" }, tools: [{ type: "web_search" }] }))).toEqual([
      400,
      openaiError("The following tools cannot be used with reasoning.effort 'minimal': web_search.", "tools", null),
    ]);
  });

  test("Spark takes no reasoning.summary and no verbosity; a bad summary value is refused", async () => {
    await using t = await withAccount();
    const spark = (extra: Record<string, unknown>) => answer(t.emu, t.account, codexBody({ model: "gpt-5.3-codex-spark", ...extra }));
    const [summary, verbosity, ok] = [await spark({ reasoning: { effort: "high", summary: "auto" } }), await spark({ text: { verbosity: "low" } }), await spark({ reasoning: { effort: "high" } })];
    const bad = await answer(t.emu, t.account, codexBody({ reasoning: { summary: "verbose" } }));
    const param = (a: [number, unknown]) => [a[0], (a[1] as { error: { param: string } }).error.param];
    expect([param(summary), param(verbosity), ok, param(bad)]).toEqual([[400, "reasoning.summary"], [400, "text.verbosity"], [200, true], [400, "reasoning.summary"]]);
  });

  test("service_tier: priority only where the catalog has it; 'fast' is not a wire value", async () => {
    await using t = await withAccount();
    expect([
      await answer(t.emu, t.account, codexBody({ service_tier: "fast" })),
      await answer(t.emu, t.account, codexBody({ model: "gpt-5.4-mini", service_tier: "priority" })),
    ]).toEqual([
      [400, { detail: "Unsupported service_tier: fast" }],
      [400, { detail: "Unsupported service_tier: priority" }],
    ]);
  });

  test("include accepts only known values; text.format json_schema needs name and schema", async () => {
    await using t = await withAccount();
    const include = await answer(t.emu, t.account, codexBody({ include: ["reasoning.raw"] }));
    const format = await answer(t.emu, t.account, codexBody({ text: { format: { type: "json_schema", schema: {} } } }));
    const good = await answer(t.emu, t.account, codexBody({ text: { format: { type: "json_schema", name: "x", schema: { type: "object", properties: {} }, strict: true } } }));
    expect([include[0], (include[1] as { error: { param: string } }).error.param, format[0], good]).toEqual([400, "include[0]", 400, [200, true]]);
  });
});

describe("tools", () => {
  const fn = (extra: Record<string, unknown> = {}) => ({ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } }, ...extra });

  test("a Chat-style tool (name under function) is 400 Missing required parameter 'tools[i].name'", async () => {
    await using t = await withAccount();
    const chatStyle = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } };
    expect(await answer(t.emu, t.account, codexBody({ tools: [fn(), chatStyle] }))).toEqual([
      400,
      openaiError("Missing required parameter: 'tools[1].name'.", "tools[1].name", "missing_required_parameter"),
    ]);
  });

  test("names over 64 characters or with other characters, object schemas without properties, unknown types: 400", async () => {
    await using t = await withAccount();
    const cases = [
      { tools: [fn({ name: "x".repeat(65) })] },
      { tools: [fn({ name: "get weather" })] },
      { tools: [fn({ parameters: { type: "object" } })] },
      { tools: [{ type: "computer_use" }] },
    ];
    const params = [];
    for (const body of cases) {
      const [status, error] = await answer(t.emu, t.account, codexBody(body));
      params.push([status, (error as { error: { param: string; code: string } }).error.param]);
    }
    expect(params).toEqual([[400, "tools[0].name"], [400, "tools[0].name"], [400, "tools"], [400, "tools[0].type"]]);
    expect(await answer(t.emu, t.account, codexBody({ tools: [fn({ name: "x".repeat(64) }), { type: "custom", name: "apply_patch", format: { type: "text" } }, { type: "local_shell" }] }))).toEqual([200, true]);
  });

  test("tool_choice naming an undeclared tool, or in Chat shape, is 400", async () => {
    await using t = await withAccount();
    const unknown = await answer(t.emu, t.account, codexBody({ tools: [fn()], tool_choice: { type: "function", name: "other" } }));
    const chat = await answer(t.emu, t.account, codexBody({ tools: [fn()], tool_choice: { type: "function", function: { name: "get_weather" } } }));
    expect([unknown[0], chat]).toEqual([400, [400, openaiError("Missing required parameter: 'tool_choice.name'.", "tool_choice.name", "missing_required_parameter")]]);
  });
});

describe("input items", () => {
  const call = { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' };
  const output = { type: "function_call_output", call_id: "call_1", output: "sunny" };

  test("a function_call without a later output is 400 No tool output found", async () => {
    await using t = await withAccount();
    const input = [userMessage("weather?"), call];
    expect(await answer(t.emu, t.account, codexBody({ input }))).toEqual([400, openaiError("No tool output found for function call call_1.", "input", null)]);
    const before = await answer(t.emu, t.account, codexBody({ input: [userMessage("weather?"), output, call] }));
    expect(before[0]).toBe(400);
  });

  test("an output without its call, and a custom_tool_call without output, are 400", async () => {
    await using t = await withAccount();
    const orphan = await answer(t.emu, t.account, codexBody({ input: [userMessage("x"), output] }));
    const custom = await answer(t.emu, t.account, codexBody({ input: [userMessage("x"), { type: "custom_tool_call", call_id: "c2", name: "apply_patch", input: "*** Begin Patch" }] }));
    expect([orphan, custom]).toEqual([
      [400, openaiError("No tool call found for function call output with call_id call_1.", "input", null)],
      [400, openaiError("No tool output found for custom tool call c2.", "input", null)],
    ]);
  });

  test("a paired call is accepted (output as text parts too)", async () => {
    await using t = await withAccount();
    const parts = { ...output, output: [{ type: "input_text", text: "sunny" }] };
    expect([await answer(t.emu, t.account, codexBody({ input: [userMessage("weather?"), call, output] })), await answer(t.emu, t.account, codexBody({ input: [userMessage("weather?"), call, parts] }))]).toEqual([
      [200, true],
      [200, true],
    ]);
  });

  test("any item with an id is 404: items are not persisted with store false", async () => {
    await using t = await withAccount();
    const input = [{ ...userMessage("hi"), id: "msg_123" }];
    expect(await answer(t.emu, t.account, codexBody({ input }))).toEqual([
      404,
      openaiError("Item with id 'msg_123' not found. Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.", "input", null),
    ]);
  });

  test("an unknown item type or role is 400", async () => {
    await using t = await withAccount();
    const type = await answer(t.emu, t.account, codexBody({ input: [{ type: "item_reference" }] }));
    const role = await answer(t.emu, t.account, codexBody({ input: [{ type: "message", role: "tool", content: "x" }] }));
    expect([type[0], role[0]]).toEqual([400, 400]);
  });
});

describe("images", () => {
  const withImage = (url: string, model = "gpt-5.5") => codexBody({ model, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "what is it" }, { type: "input_image", image_url: url }] }] });

  test("a valid PNG on an image model is answered (the echo counts it)", async () => {
    await using t = await withAccount();
    const { events } = await readEvents(await postResponses(t.emu.url, t.account, withImage(pngUrl)));
    const done = events.find((e) => e.data.type === "response.output_text.done");
    expect(done?.data.text).toBe("You said: what is it (1 image)");
  });

  test("an image on a text-only model (Spark) is 400", async () => {
    await using t = await withAccount();
    expect(await answer(t.emu, t.account, withImage(pngUrl, "gpt-5.3-codex-spark"))).toEqual([400, openaiError("Model does not support image inputs.", "input", null)]);
  });

  test.each([
    ["bad base64", "data:image/png;base64,%%%"],
    ["not an image", `data:image/png;base64,${Buffer.from("hello world").toString("base64")}`],
    ["unsupported type", `data:image/bmp;base64,${Buffer.from(makePng(1, 1)).toString("base64")}`],
  ])("%s → 400 does not represent a valid image", async (_name, url) => {
    await using t = await withAccount();
    const [status, body] = await answer(t.emu, t.account, withImage(url));
    expect([status, (body as { error: { message: string } }).error.message.includes("does not represent a valid image")]).toEqual([400, true]);
  });
});

describe("refusals carry the quota headers and use no quota", () => {
  test("a 400 has x-codex-* headers and leaves the windows as they were", async () => {
    await using t = await withAccount();
    const response = await postResponses(t.emu.url, t.account, codexBody({ temperature: 0 }));
    await response.text();
    expect([response.status, response.headers.get("x-codex-primary-used-percent"), response.headers.get("x-codex-plan-type"), t.emu.codex.quota(t.account.id)[0]?.used]).toEqual([400, "0.0", "plus", 0]);
  });
});
