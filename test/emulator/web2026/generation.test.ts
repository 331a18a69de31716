/**
 * The generation switch: 2024 by default, 2026 on request or at run time (method and control API), each refusing the
 * other's endpoints with 404, the legacy endpoints kept in 2026 on demand, and the 2026 settings changed while running.
 */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { conversationBody, converse, identity } from "../test-client.ts";
import { body2026, client2026, config25, post, prepareSentinel, requirementsToken, solveFnv, solveSha3Only, turn2026 } from "./client.ts";

const ROUTES_2026 = [
  ["POST", "/sentinel/chat-requirements/prepare"],
  ["POST", "/sentinel/chat-requirements/finalize"],
  ["POST", "/f/conversation/prepare"],
  ["POST", "/f/conversation"],
  ["POST", "/conversation/init"],
  ["POST", "/sentinel/ping"],
  ["GET", "/me"],
  ["GET", "/accounts/check/v4-2023-04-27"],
  ["GET", "/tasks"],
] as const;

describe("2024, the default", () => {
  test("every 2026 endpoint is an unknown route (404)", async () => {
    await using emu = await startEmulator();
    const who = client2026(emu.url, emu.addAccount().accessToken);
    const statuses = [];
    for (const [method, path] of ROUTES_2026) statuses.push((await fetch(`${who.base}${path}`, { method, headers: who.headers, ...(method === "POST" ? { body: "{}" } : {}) })).status);
    expect([emu.webGeneration, statuses]).toEqual(["2024", ROUTES_2026.map(() => 404)]);
  });

  test("GET / sets no oai-did cookie and has no Sentinel SDK script", async () => {
    await using emu = await startEmulator();
    const home = await fetch(`${emu.url}/`);
    expect([home.headers.get("set-cookie"), (await home.text()).includes("sentinel/sdk.js")]).toEqual([null, false]);
  });
});

describe("2026", () => {
  test("the single-step requirements and POST /conversation are 404", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const who = client2026(emu.url, emu.addAccount().accessToken);
    const requirements = await post(who, "/sentinel/chat-requirements", { p: requirementsToken(config25(who.deviceId)) });
    const conversation = await post(who, "/conversation", conversationBody("hi"));
    expect([requirements.status, await requirements.json(), conversation.status]).toEqual([404, { detail: "Not Found" }, 404]);
  });

  test("GET / issues an oai-did cookie and lists the Sentinel SDK among its scripts", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const home = await fetch(`${emu.url}/`);
    const html = await home.text();
    expect([home.headers.get("set-cookie"), /data-build="prod-[0-9a-f]{40}"/.test(html), html.includes('<script src="https://chatgpt.com/backend-api/sentinel/sdk.js"')]).toEqual([
      expect.stringMatching(/^oai-did=[0-9a-f-]{36}; Path=\//),
      true,
      true,
    ]);
  });

  test("legacyEndpoints 200 keeps the single-step path: FNV or SHA3 proofs, 2024 body, 2026 models", async () => {
    await using emu = await startEmulator({ webGeneration: "2026", legacyEndpoints: "200" });
    const who = client2026(emu.url, emu.addAccount().accessToken);
    const statuses = [];
    for (const solve of [solveFnv, solveSha3Only]) {
      const req = (await (await post(who, "/sentinel/chat-requirements", { p: requirementsToken(config25(who.deviceId), "~S") })).json()) as { token: string; proofofwork: { seed: string; difficulty: string } };
      const proof = solve(req.proofofwork.seed, req.proofofwork.difficulty, config25(who.deviceId));
      const response = await post(who, "/conversation", conversationBody("hi", { model: "gpt-5-6" }), { "openai-sentinel-chat-requirements-token": req.token, "openai-sentinel-proof-token": proof });
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200]);
  });

  test("the 2026 turn works beside the legacy one", async () => {
    await using emu = await startEmulator({ webGeneration: "2026", legacyEndpoints: "200" });
    const response = await turn2026(client2026(emu.url, emu.addAccount().accessToken), body2026("hi"));
    expect(response.status).toBe(200);
  });
});

describe("switching while running", () => {
  test("setWebGeneration between two requests of one server", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const before = await converse(identity(emu.url, account.accessToken), conversationBody("hi"));
    await before.text();
    emu.setWebGeneration("2026");
    const legacy = await converse(identity(emu.url, account.accessToken), conversationBody("hi")).catch((error: unknown) => String(error));
    const turn = await turn2026(client2026(emu.url, account.accessToken), body2026("hi"));
    await turn.text();
    emu.setWebGeneration("2024");
    const again = await converse(identity(emu.url, account.accessToken), conversationBody("hi"));
    expect([before.status, legacy, turn.status, again.status]).toEqual([200, expect.stringContaining("requirements 404"), 200, 200]);
    expect(emu.log.map((e) => e.generation)).toEqual(["2024", "2024", "2026", "2026", "2026", "2026", "2026", "2024", "2024"]);
  });

  test("the control API: GET and POST /_emulator/generation, POST /_emulator/web2026", async () => {
    await using emu = await startEmulator();
    const control = (path: string, body?: unknown) =>
      fetch(`${emu.url}/_emulator/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => [r.status, await r.json()]);
    expect([
      await control("generation"),
      await control("generation", { generation: "2026" }),
      await control("generation"),
      await control("generation", { generation: "2025" }),
      await control("web2026", { anonAllowed: true, legacyEndpoints: "200" }),
      await control("web2026", { anonAllowed: "yes" }),
      emu.webGeneration,
      emu.web2026Settings().anonAllowed,
    ]).toEqual([
      [200, { generation: "2024" }],
      [200, { generation: "2026" }],
      [200, { generation: "2026" }],
      [422, { detail: 'generation must be "2024" or "2026"' }],
      [200, expect.objectContaining({ anonAllowed: true, legacyEndpoints: "200", acceptSha3InFnvMode: false })],
      [422, { detail: 'TypeError: 2026 setting "anonAllowed" cannot be "yes"' }],
      "2026",
      true,
    ]);
  });

  test("a prepare of 2026 cannot be finalized after switching back to 2024 (the route is gone)", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const who = client2026(emu.url, emu.addAccount().accessToken);
    const prepared = await prepareSentinel(who);
    emu.setWebGeneration("2024");
    const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token });
    expect(response.status).toBe(404);
  });

  test("bad options are refused at start", async () => {
    await expect(startEmulator({ webGeneration: "2025" as "2026" })).rejects.toThrow('webGeneration must be "2024" or "2026"');
    await expect(startEmulator({ legacyEndpoints: "500" as "404" })).rejects.toThrow('2026 setting "legacyEndpoints" cannot be "500"');
  });
});
