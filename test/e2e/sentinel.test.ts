/**
 * End-to-end: the sentinel handshake's optional parts and the settings that shape it — Turnstile and Arkose tokens
 * from the services the user configures (and a clear error when none is), CONVERSATION_ONLY, AUTH_KEY, Team ids —
 * in either web generation (E2E_WEB_GENERATION).
 */
import { describe, expect, test } from "bun:test";
import { isConversationWrite, messageCalls, webGenerationUnderTest } from "../support/web-generation.ts";
import { post, startHarness } from "./harness.ts";

const chat = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "sentinel" }] };

describe("challenge tokens come only from services the user configures", () => {
  test.each([
    ["Turnstile", { turnstile: true }, "TURNSTILE_SOLVER_URL", "openai-sentinel-turnstile-token"],
    ["Arkose", { arkose: true }, "ARKOSE_TOKEN_URL", "openai-sentinel-arkose-token"],
  ] as const)("%s required and its service configured: the service's token reaches the upstream", async (_name, emulatorOptions, variable, header) => {
    await using h = await startHarness({
      emulator: emulatorOptions,
      env: (emulator) => ({ [variable]: variable === "TURNSTILE_SOLVER_URL" ? emulator.turnstileSolverUrl : emulator.arkoseSolverUrl }),
    });
    const completion = await h.client().chat.completions.create(chat);
    expect(completion.choices[0]?.message.content).toBe("You said: sentinel");
    const sent = h.emulator.log.filter((entry) => entry.path.endsWith("/conversation")).at(-1);
    expect(sent?.status).toBe(200);
    expect(sent?.headers[header]).toBeString();
  });

  test.each([
    ["Turnstile", { turnstile: true }, "TURNSTILE_SOLVER_URL"],
    ["Arkose", { arkose: true }, "ARKOSE_TOKEN_URL"],
  ] as const)("%s required and no service configured: 503 naming the setting, no conversation sent", async (_name, emulatorOptions, variable) => {
    await using h = await startHarness({ emulator: emulatorOptions });
    const response = await h.fetch("/v1/chat/completions", post(chat));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string; code: string } };
    expect(body.error.message).toContain(variable);
    expect(body.error.code).toBe("upstream_challenge_unavailable");
    expect(h.emulator.stats().conversations).toBe(0);
  });
});

describe("settings that shape the handshake", () => {
  test("CONVERSATION_ONLY skips chat-requirements (and 2026's conduit) and sends no sentinel headers; 2024 skips the page too", async () => {
    // auto speaks 2024 to such a gateway, as before generations: a 2026 one is named
    const modern = webGenerationUnderTest() === "2026";
    await using h = await startHarness({ env: { CONVERSATION_ONLY: "true", ...(modern ? { WEB_PROTOCOL: "2026" } : {}) }, emulator: { requirePow: false } });
    const response = await h.fetch("/v1/chat/completions", post(chat));
    // the strict emulator refuses a conversation without its sentinel token: what a gateway that solves it would add
    expect(h.emulator.log.some((entry) => entry.path.includes("chat-requirements") || entry.path.endsWith("/conversation/prepare"))).toBe(false);
    // the 2026 write's identity headers carry the page's build
    expect(h.emulator.log.some((entry) => entry.path === "/")).toBe(modern);
    const sent = h.emulator.log.filter((entry) => isConversationWrite(entry.path));
    expect(sent).toHaveLength(1); // a refusal that the same credential would meet again is not retried
    expect(Object.keys(sent[0]?.headers ?? {}).filter((name) => name.startsWith("openai-sentinel") || name === "x-conduit-token")).toEqual([]);
    expect(response.status).toBe(503);
  });

  test("PROXY_URL carries every upstream call of an account through its proxy ({} → a hash of the account, never the token)", async () => {
    const seen: string[] = [];
    // a forward proxy: it receives absolute URLs and fetches them itself
    await using proxy = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(request) {
        seen.push(`${request.method} ${new URL(request.url).pathname} via ${request.headers.get("proxy-authorization") ?? "-"}`);
        const upstream = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" });
        return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
      },
    });
    await using h = await startHarness({ env: { PROXY_URL: `http://user-{}:pw@127.0.0.1:${proxy.port}` } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const completion = await h.client(account.accessToken).chat.completions.create({ ...chat, model: "gpt-4o" });
    expect(completion.choices[0]?.message.content).toBe("You said: sentinel");
    expect(seen.map((line) => line.split(" via ")[0])).toEqual(expect.arrayContaining(messageCalls()));
    const credentials = seen.map((line) => line.split(" via ")[1] ?? "");
    expect(new Set(credentials).size).toBe(1);
    const user = Buffer.from((credentials[0] ?? "").replace(/^Basic /, ""), "base64").toString();
    expect(user).toMatch(/^user-[0-9a-f]{32}:pw$/);
    expect(user).not.toContain(account.accessToken);
  });

  test("AUTH_KEY is sent upstream as header authkey on every call", async () => {
    await using h = await startHarness({ env: { AUTH_KEY: "gateway-secret" }, emulator: { authKey: "gateway-secret" } });
    const completion = await h.client().chat.completions.create(chat);
    expect(completion.choices[0]?.message.content).toBe("You said: sentinel");
    expect(h.emulator.log.every((entry) => entry.headers.authkey === "gateway-secret")).toBe(true);
  });

  test("without AUTH_KEY a gateway that needs it refuses, and the client hears 401", async () => {
    await using h = await startHarness({ emulator: { authKey: "gateway-secret" } });
    const response = await h.fetch("/v1/chat/completions", post(chat));
    expect(response.status).toBe(401);
  });

  test("a Team account: `token,account_id` and the ChatGPT-Account-ID header both reach the upstream as chatgpt-account-id", async () => {
    await using h = await startHarness();
    const team = h.emulator.addAccount({ plan: "team" });
    const viaSuffix = await h.client(`${team.accessToken},${team.accountId}`).chat.completions.create({ ...chat, model: "gpt-4o" });
    expect(viaSuffix.choices[0]?.message.content).toBe("You said: sentinel");
    expect(h.emulator.log.at(-1)).toMatchObject({ account: team.id, status: 200 });
    expect(h.emulator.log.at(-1)?.headers["chatgpt-account-id"]).toBe(team.accountId);
    const viaHeader = await h.fetch("/v1/chat/completions", {
      ...post({ ...chat, model: "gpt-4o" }, team.accessToken),
      headers: { "content-type": "application/json", authorization: `Bearer ${team.accessToken}`, "chatgpt-account-id": team.accountId ?? "" },
    });
    expect(viaHeader.status).toBe(200);
    expect(h.emulator.log.at(-1)?.headers["chatgpt-account-id"]).toBe(team.accountId);
    const viaBody = await h.fetch("/v1/chat/completions", post({ ...chat, model: "gpt-4o", "Chatgpt-Account-Id": team.accountId }, team.accessToken));
    expect(viaBody.status).toBe(200);
    const without = await h.fetch("/v1/chat/completions", post({ ...chat, model: "gpt-4o" }, team.accessToken));
    expect(without.status).toBe(503);
  });
});
