/**
 * @module End-to-end against the emulator's 2026 web protocol (web-2026.md): chat2api in its default WEB_PROTOCOL=auto
 * speaks the two-phase sentinel, FNV proofs, conduit and f/conversation to a strict 2026 upstream, streamed and not;
 * an upstream that switches from 2024 to 2026 is followed; no-login refusals and Turnstile without a solver say why.
 */
import { describe, expect, test } from "bun:test";
import { post, startHarness } from "./harness.ts";

const chat = (model: string, content = "hi 2026") => ({ model, messages: [{ role: "user" as const, content }] });
const MODERN = ["/", "/sentinel/chat-requirements/prepare", "/sentinel/chat-requirements/finalize", "/f/conversation/prepare", "/f/conversation"];
const calls = (log: { path: string; status: number }[]) => log.map((entry) => `${entry.path.replace(/^\/backend-(api|anon)/, "")} ${entry.status}`);

describe("chat2api against a 2026 upstream (WEB_PROTOCOL=auto)", () => {
  test("no-login, non-stream and stream: the 2026 handshake in order, FNV proofs verified, no lenient-check warnings", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026", anonAllowed: true } });
    const completion = await h.client().chat.completions.create(chat("auto", "first"));
    expect(completion.choices[0]?.message.content).toBe("You said: first");
    const stream = await h.client().chat.completions.create({ ...chat("auto", "second"), stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("You said: second");
    expect(calls(h.emulator.log)).toEqual([...MODERN, ...MODERN.slice(1)].map((path) => `${path} 200`));
    const writes = h.emulator.log.filter((entry) => entry.path.endsWith("/f/conversation"));
    expect(writes.map((entry) => [entry.generation, entry.powVerified, entry.warnings ?? []])).toEqual([
      ["2026", true, []],
      ["2026", true, []],
    ]);
    const handshake = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === "web handshake");
    expect(handshake.map((line) => [line.level, line.generation, line.hash])).toEqual([
      ["info", "2026", "fnv"],
      ["info", "2026", "fnv"],
    ]);
  });

  test("a caller's own access token: /backend-api, a 2026 model served as asked", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const completion = await h.client(account.accessToken).chat.completions.create(chat("gpt-5-6"));
    expect(completion.choices[0]?.message.content).toBe("You said: hi 2026");
    const write = h.emulator.log.find((entry) => entry.path === "/backend-api/f/conversation");
    expect([write?.status, write?.account, write?.model, write?.servedModel]).toEqual([200, account.id, "gpt-5-6", "gpt-5-6"]);
  });

  test("an upload in a 2026 turn carries the page's identity headers too (client version, session id, target path)", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const content = [
      { type: "text" as const, text: "what is this" },
      { type: "image_url" as const, image_url: { url: `data:image/png;base64,${png}` } },
    ];
    const completion = await h.client(account.accessToken).chat.completions.create({ model: "gpt-5-6", messages: [{ role: "user", content }] });
    expect(completion.choices[0]?.message.content).toBe("You said: what is this");
    const create = h.emulator.log.find((entry) => entry.method === "POST" && entry.path === "/backend-api/files");
    const write = h.emulator.log.find((entry) => entry.path === "/backend-api/f/conversation");
    const identity = (entry: typeof create) => [entry?.headers["oai-client-version"], entry?.headers["oai-session-id"]];
    expect(create?.headers["x-openai-target-path"]).toBe("/backend-api/files");
    expect(identity(create)).toEqual(identity(write));
    expect(create?.headers["oai-client-version"]).toMatch(/^prod-[0-9a-f]{40}$/);
  });

  test("an upstream that moves from 2024 to 2026 is followed: 2024 after its 404 probe, then 2026 once 2024's endpoints are gone", async () => {
    await using h = await startHarness({ env: { WEB_PROTOCOL: "auto" } });
    expect((await h.client().chat.completions.create(chat("gpt-4o-mini", "old"))).choices[0]?.message.content).toBe("You said: old");
    expect(calls(h.emulator.log)).toEqual(["/ 200", "/sentinel/chat-requirements/prepare 404", "/sentinel/chat-requirements 200", "/conversation 200"]);
    h.emulator.reset();
    h.emulator.setWebGeneration("2026");
    h.emulator.configureWeb2026({ anonAllowed: true });
    expect((await h.client().chat.completions.create(chat("auto", "new"))).choices[0]?.message.content).toBe("You said: new");
    expect(calls(h.emulator.log)).toEqual(["/sentinel/chat-requirements 404", ...MODERN.slice(1).map((path) => `${path} 200`)]);
  });

  test("no-login refused by the upstream (its 2026 default): 403 anonymous_refused, one write, no retries", async () => {
    await using h = await startHarness({ emulator: { webGeneration: "2026" } });
    const response = await h.fetch("/v1/chat/completions", post(chat("auto")));
    const body = (await response.json()) as { error: { code: string; message: string; type: string } };
    expect([response.status, body.error.code, body.error.type]).toEqual([403, "anonymous_refused", "permission_error"]);
    expect(body.error.message).toContain("Unusual activity");
    expect(h.emulator.log.filter((entry) => entry.path.endsWith("/f/conversation")).map((entry) => entry.status)).toEqual([403]);
  });

  test("Turnstile required: with TURNSTILE_SOLVER_URL it passes; without, the refusal names the setting", async () => {
    await using solved = await startHarness({ emulator: { webGeneration: "2026", turnstile: true }, env: (emulator) => ({ TURNSTILE_SOLVER_URL: emulator.turnstileSolverUrl }) });
    const account = solved.emulator.addAccount({ plan: "free" });
    expect((await solved.client(account.accessToken).chat.completions.create(chat("gpt-5-6"))).choices[0]?.message.content).toBe("You said: hi 2026");

    await using unsolved = await startHarness({ emulator: { webGeneration: "2026", turnstile: true } });
    const other = unsolved.emulator.addAccount({ plan: "free" });
    const response = await unsolved.fetch("/v1/chat/completions", post(chat("gpt-5-6"), other.accessToken));
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect([response.status, body.error.code, body.error.message.includes("TURNSTILE_SOLVER_URL")]).toEqual([503, "upstream_challenge_unavailable", true]);
    expect(unsolved.emulator.stats().conversations).toBe(0);
  });
});
