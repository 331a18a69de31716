/**
 * @module The 2026 models end to end (web-2026.md §5.4, §9): reasoning_effort reaches the upstream as the web's
 * thinking_effort, lowered to what the model offers; a silent downgrade (server_ste_metadata.model_slug) is what the
 * response's `model` names and what `x-chat2api-upstream-model` says, in chat (JSON and stream) and Responses.
 */
import { describe, expect, test } from "bun:test";
import { post, startHarness } from "./harness.ts";

const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user" as const, content: "hi 2026" }], ...extra });
type Body = { thinking_effort?: unknown; model?: unknown };

describe("2026 models against the emulator's 2026 upstream", () => {
  test("reasoning_effort → thinking_effort as the model offers it; none and no effort send none", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const pro = h.emulator.addAccount({ plan: "pro" });
    const cases: Array<[string, Record<string, unknown>]> = [
      ["gpt-5-6-thinking", { reasoning_effort: "high" }],
      ["gpt-5-6-thinking", { reasoning_effort: "low" }],
      ["gpt-5-6-thinking", { reasoning_effort: "xhigh" }],
      ["gpt-5-6-pro", { reasoning_effort: "xhigh" }],
      ["gpt-5-6-thinking", { reasoning_effort: "none" }],
      ["gpt-5-6-thinking", {}],
      ["gpt-5-6", { reasoning_effort: "high" }],
    ];
    for (const [model, extra] of cases) {
      const response = await h.fetch("/v1/chat/completions", post(chat(model, extra), pro.accessToken));
      expect(response.status).toBe(200);
    }
    const writes = h.emulator.log.filter((entry) => entry.path === "/backend-api/f/conversation");
    expect(writes.map((entry) => [entry.status, (entry.body as Body).model, (entry.body as Body).thinking_effort])).toEqual([
      [200, "gpt-5-6-thinking", "extended"],
      [200, "gpt-5-6-thinking", "standard"],
      [200, "gpt-5-6-thinking", "max"],
      [200, "gpt-5-6-pro", "extended"],
      [200, "gpt-5-6-thinking", undefined],
      [200, "gpt-5-6-thinking", undefined],
      [200, "gpt-5-6", undefined],
    ]);
  });

  test("Responses' reasoning.effort goes the same way; a value that is no effort is a 400 naming the parameter, before any call", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const ok = await h.fetch("/v1/responses", post({ model: "gpt-5-6-thinking", input: "hi", reasoning: { effort: "high" } }, account.accessToken));
    expect(ok.status).toBe(200);
    const write = h.emulator.log.find((entry) => entry.path === "/backend-api/f/conversation");
    expect((write?.body as Body).thinking_effort).toBe("extended");

    h.emulator.reset();
    const chatBad = await h.fetch("/v1/chat/completions", post(chat("gpt-5-6-thinking", { reasoning_effort: "turbo" }), account.accessToken));
    const responsesBad = await h.fetch("/v1/responses", post({ model: "gpt-5-6-thinking", input: "hi", reasoning: { effort: "turbo" } }, account.accessToken));
    const errors = [(await chatBad.json()) as { error: { param: string; code: string } }, (await responsesBad.json()) as { error: { param: string; code: string } }];
    expect([chatBad.status, responsesBad.status, ...errors.map((e) => [e.error.param, e.error.code])]).toEqual([
      400,
      400,
      ["reasoning_effort", "invalid_value"],
      ["reasoning.effort", "invalid_value"],
    ]);
    expect(h.emulator.log).toEqual([]);
  });

  test("served as asked: model is the name asked for, the header names the slug", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const response = await h.fetch("/v1/chat/completions", post(chat("gpt-5-6-thinking"), account.accessToken));
    const body = (await response.json()) as { model: string };
    expect([response.status, body.model, response.headers.get("x-chat2api-upstream-model")]).toEqual([200, "gpt-5-6-thinking", "gpt-5-6-thinking"]);
  });

  test("a silent downgrade is what model and x-chat2api-upstream-model say: chat JSON and stream, Responses JSON and stream", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    h.emulator.downgradeTo("gpt-5-5-mini");

    const json = await h.fetch("/v1/chat/completions", post(chat("gpt-5-6-thinking"), account.accessToken));
    expect([json.status, ((await json.json()) as { model: string }).model, json.headers.get("x-chat2api-upstream-model")]).toEqual([200, "gpt-5-5-mini", "gpt-5-5-mini"]);

    const stream = await h.fetch("/v1/chat/completions", post(chat("gpt-5-6-thinking", { stream: true }), account.accessToken));
    const chunks = (await stream.text())
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => (JSON.parse(line.slice(6)) as { model: string }).model);
    expect([stream.headers.get("x-chat2api-upstream-model"), [...new Set(chunks)]]).toEqual(["gpt-5-5-mini", ["gpt-5-5-mini"]]);

    const response = await h.fetch("/v1/responses", post({ model: "gpt-5-6-thinking", input: "hi" }, account.accessToken));
    expect([((await response.json()) as { model: string }).model, response.headers.get("x-chat2api-upstream-model")]).toEqual(["gpt-5-5-mini", "gpt-5-5-mini"]);

    const events = await h.fetch("/v1/responses", post({ model: "gpt-5-6-thinking", input: "hi", stream: true }, account.accessToken));
    const models = (await events.text())
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => (JSON.parse(line.slice(6)) as { response?: { model: string } }).response?.model)
      .filter((model) => model !== undefined);
    expect([events.headers.get("x-chat2api-upstream-model"), [...new Set(models)]]).toEqual(["gpt-5-5-mini", ["gpt-5-5-mini"]]);
    expect(h.emulator.log.filter((entry) => entry.path === "/backend-api/f/conversation").map((entry) => [entry.model, entry.servedModel])).toEqual(
      Array.from({ length: 4 }, () => ["gpt-5-6-thinking", "gpt-5-5-mini"]),
    );
  });
});
