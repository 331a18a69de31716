/** Codex faults (codex.md §4.4, §9 items 19, 20): edge 403s, status answers, in-stream failures, abrupt closes. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, codexHeaders, postResponses, readEvents, types } from "./test-client.ts";

describe("answers instead of a stream", () => {
  test("cloudflare: an HTML 403 page, without the backend's quota headers", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "cloudflare" } });
    const response = await postResponses(emu.url, account, codexBody());
    expect([response.status, response.headers.get("content-type"), (await response.text()).includes("Just a moment"), response.headers.get("x-codex-plan-type")]).toEqual([
      403,
      "text/html; charset=utf-8",
      true,
      null,
    ]);
  });

  test("region: 403 unsupported_country_region_territory JSON", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "region" } });
    const response = await postResponses(emu.url, account, codexBody());
    expect([response.status, await response.json()]).toEqual([
      403,
      { error: { code: "unsupported_country_region_territory", message: "Country, region, or territory not supported", param: null, type: "request_forbidden" } },
    ]);
  });

  test("a status fault for one account, with the quota headers, counting down its times and using no quota", async () => {
    await using emu = await startEmulator();
    const a = emu.addCodexAccount({ id: "a" });
    const b = emu.addCodexAccount({ id: "b" });
    emu.inject({ endpoint: "codex", account: "a", times: 2, kind: { type: "status", status: 503, detail: "overloaded" } });
    const statuses: number[] = [];
    let headers: string | null = null;
    for (const account of [b, a, a, a]) {
      const response = await postResponses(emu.url, account, codexBody());
      if (response.status === 503) headers = response.headers.get("x-codex-primary-window-minutes");
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect([statuses, headers, emu.codex.quota("a")[0]?.used]).toEqual([[200, 503, 503, 200], "300", 1]);
  });

  test("faults on models and usage answer those endpoints only", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex-models", kind: { type: "cloudflare" } });
    emu.inject({ endpoint: "codex-usage", kind: { type: "status", status: 500 } });
    const stream = await postResponses(emu.url, account, codexBody());
    await stream.arrayBuffer();
    const models = await fetch(`${emu.url}/backend-api/codex/models?client_version=0.160.0`, { headers: codexHeaders(account) });
    const usage = await fetch(`${emu.url}/backend-api/wham/usage`, { headers: codexHeaders(account) });
    expect([stream.status, models.status, usage.status]).toEqual([200, 403, 500]);
  });

  test("a fault kind that cannot apply is refused when injected", async () => {
    await using emu = await startEmulator();
    expect(() => emu.inject({ endpoint: "conversation", kind: { type: "response-failed", code: "x" } })).toThrow(TypeError);
    expect(() => emu.inject({ endpoint: "codex", kind: { type: "flood", events: 1, chars: 1 } })).toThrow(TypeError);
  });
});

describe("failures inside a 200 stream", () => {
  test.each([
    ["context_length_exceeded", "Your input exceeds the context window"],
    ["server_is_overloaded", "Our servers are currently overloaded"],
    ["rate_limit_exceeded", "Please try again in 2s."],
  ])("response.failed with code %s after created and in_progress", async (code, message) => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "response-failed", code } });
    const response = await postResponses(emu.url, account, codexBody());
    const { events, cut } = await readEvents(response);
    const failed = events.at(-1)?.data.response as { status: string; error: { code: string; message: string } };
    expect([response.status, cut, types(events), failed.status, failed.error.code, failed.error.message.includes(message), events.at(-1)?.data.sequence_number]).toEqual([
      200,
      false,
      ["response.created", "response.in_progress", "response.failed"],
      "failed",
      code,
      true,
      2,
    ]);
  });

  test("a bare error event after some output, then the end of the stream", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "error-event", afterEvents: 5, message: "boom" } });
    const { events, cut } = await readEvents(await postResponses(emu.url, account, codexBody()));
    expect([cut, events.length, events.at(-1)?.data]).toEqual([false, 6, { type: "error", error: { type: "server_error", code: "server_error", message: "boom", param: null }, sequence_number: 5 }]);
  });

  test("response.incomplete with reason max_output_tokens (or the reason given)", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "incomplete" } });
    emu.inject({ endpoint: "codex", kind: { type: "incomplete", reason: "content_filter" } });
    const reasons = [];
    for (let i = 0; i < 2; i++) {
      const { events } = await readEvents(await postResponses(emu.url, account, codexBody()));
      const last = events.at(-1)?.data as unknown as { type: string; response: { status: string; incomplete_details: { reason: string }; usage: unknown } };
      reasons.push([last.type, last.response.status, last.response.incomplete_details.reason, last.response.usage !== null]);
    }
    expect(reasons).toEqual([
      ["response.incomplete", "incomplete", "max_output_tokens", true],
      ["response.incomplete", "incomplete", "content_filter", true],
    ]);
  });

  test("cut: the connection drops after N events, with no terminal event", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "cut", afterEvents: 4 } });
    const { events, cut } = await readEvents(await postResponses(emu.url, account, codexBody()));
    expect([cut, events.length, events.some((e) => e.data.type === "response.completed")]).toEqual([true, 4, false]);
  });

  test("hold: the stream waits after N events until released", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.inject({ endpoint: "codex", kind: { type: "hold", afterEvents: 2 } });
    const response = await postResponses(emu.url, account, codexBody());
    const reading = readEvents(response);
    while (emu.stats().held === 0) await Bun.sleep(5);
    expect(emu.releaseHeld()).toBe(1);
    expect((await reading).events.at(-1)?.data.type).toBe("response.completed");
  });
});
