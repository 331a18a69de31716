/**
 * TOOLS_PREFER_CODEX end to end: with it on and a Codex account in the pool, a pool request that carries tools for a
 * web model is answered by the Codex engine (native calls, the first model the catalogs list); a request without
 * tools, with `tool_choice: "none"`, or from a caller's own token stays on the web engine, as does everything when
 * the pool has no Codex account or the setting is off.
 */
import { describe, expect, test } from "bun:test";
import { POOL_KEY, type PoolHarness, startPoolHarness } from "./pool-harness.ts";

type Json = Record<string, unknown>;

const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

function chat(h: PoolHarness, body: Json, bearer = POOL_KEY): Promise<Response> {
  return fetch(`${h.server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "weather in Paris?" }], ...body }),
  });
}

/** Which upstream each request since `from` went to: "codex" or "web". */
function upstreams(h: PoolHarness, from: number): string[] {
  return h.emulator.log
    .slice(from)
    .filter((e) => e.method === "POST" && (e.path === "/backend-api/codex/responses" || /\/(f\/)?conversation$/.test(e.path)))
    .map((e) => (e.path.includes("/codex/") ? "codex" : "web"));
}

async function addTokens(h: PoolHarness, tokens: string[]): Promise<void> {
  expect((await h.admin("POST", "/accounts", { tokens: tokens.join("\n") })).status).toBe(200);
}

describe("TOOLS_PREFER_CODEX=true", () => {
  test("tools go to the Codex engine when the pool has a Codex account; the rest stays on the web", async () => {
    await using h = await startPoolHarness({ TOOLS_PREFER_CODEX: "true" });
    const codex = h.emulator.addCodexAccount({ plan: "plus" });
    const web = h.emulator.addAccount({ plan: "plus" });
    await addTokens(h, [codex.accessToken, web.accessToken]);

    h.emulator.codex.script({ calls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
    let from = h.emulator.log.length;
    const native = await chat(h, { tools: [weather] });
    expect(native.status).toBe(200);
    const completion = (await native.json()) as { model: string; choices: Array<{ finish_reason: string; message: { tool_calls: Array<{ function: { name: string; arguments: string } }> } }> };
    expect(upstreams(h, from)).toEqual(["codex"]);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.tool_calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([["get_weather", { city: "Paris" }]]);
    const sent = h.emulator.log.findLast((e) => e.path === "/backend-api/codex/responses")?.body as Json;
    expect(completion.model).toBe(String(sent.model));

    from = h.emulator.log.length;
    const responses = await fetch(`${h.server.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${POOL_KEY}` },
      body: JSON.stringify({ model: "gpt-4o-mini", input: "weather?", tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: {} } }] }),
    });
    expect(responses.status).toBe(200);
    expect(upstreams(h, from)).toEqual(["codex"]);

    from = h.emulator.log.length;
    expect((await chat(h, {})).status).toBe(200);
    expect((await chat(h, { tools: [weather], tool_choice: "none" })).status).toBe(200);
    // a caller's own web token is no pool request: its tools are served by the prompt
    expect((await chat(h, { tools: [weather] }, web.accessToken)).status).toBe(200);
    expect(upstreams(h, from)).toEqual(["web", "web", "web"]);
  }, 30_000);

  test("without a Codex account in the pool, tools are served by the web engine's prompt", async () => {
    await using h = await startPoolHarness({ TOOLS_PREFER_CODEX: "true" });
    await addTokens(h, [h.emulator.addAccount({ plan: "plus" }).accessToken]);
    const from = h.emulator.log.length;
    expect((await chat(h, { tools: [weather] })).status).toBe(200);
    expect(upstreams(h, from)).toEqual(["web"]);
  }, 30_000);
});

test("TOOLS_PREFER_CODEX off (the default): tools for a web model stay on the web engine", async () => {
  await using h = await startPoolHarness();
  await addTokens(h, [h.emulator.addCodexAccount({ plan: "plus" }).accessToken, h.emulator.addAccount({ plan: "plus" }).accessToken]);
  const from = h.emulator.log.length;
  expect((await chat(h, { tools: [weather] })).status).toBe(200);
  expect(upstreams(h, from)).toEqual(["web"]);
}, 30_000);
