/**
 * `POST f/conversation` in 2026 mode: the happy path's stream, and the refusals of a reused bundle, a proof that is
 * not finalize's, a missing or reused conduit token, a mismatched oai-did, bad enums, anonymous writes, stale tokens.
 */
import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { startEmulator } from "../index.ts";
import { body2026, bundleHeaders, client2026, decode2026, errorOf, post, prepareConduit, sentinelBundle, splitPayloadLines, start2026, turn2026, write } from "./client.ts";

type Json = Record<string, unknown>;

function typedOf(decoded: { typed: Json[] }, type: string): Json | undefined {
  return decoded.typed.find((t) => t.type === type);
}

describe("a correct 2026 turn", () => {
  test("conduit prepare, sentinel bundle, write: the 2026 stream in order", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const response = await turn2026(who, body2026("hello there"));
    const text = await response.text();
    const decoded = decode2026(text);
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "text/event-stream; charset=utf-8"]);
    expect(text.startsWith('event: delta_encoding\ndata: "v1"\n\ndata: {"type":"resume_conversation_token","kind":"topic","token":"eyJhbGciOiJFUzI1NiIs')).toBe(true);
    expect(decoded.typed.map((t) => t.type)).toEqual([
      "resume_conversation_token",
      "input_message",
      "message_marker",
      "message_marker",
      "server_ste_metadata",
      "conversation_detail_metadata",
      "title_generation",
      "message_stream_complete",
    ]);
    expect(decoded.messages.map((m) => [(m.author as Json).role, (m.content as Json).parts, m.channel, m.end_turn])).toEqual([["assistant", ["You said: hello there"], "final", true]]);
    expect(typedOf(decoded, "server_ste_metadata")?.metadata).toEqual({ tool_invoked: false, turn_use_case: "text", model_slug: "gpt-5-6", did_prompt_contain_image: false, turn_exchange_id: expect.any(String) });
    expect(decoded.done).toBe(true);
    const write = emu.log.find((e) => e.path === "/backend-api/f/conversation");
    expect({ status: write?.status, powVerified: write?.powVerified, model: write?.model, served: write?.servedModel, generation: write?.generation }).toEqual({ status: 200, powVerified: true, model: "auto", served: "gpt-5-6", generation: "2026" });
    expect(emu.stats()).toMatchObject({ conversations: 1, powVerified: 1, powRejected: 0 });
  });

  test("the last marker and server_ste_metadata share one line; the resume token names the turn's topic", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const text = await (await turn2026(who, body2026("hi"))).text();
    const joined = text.split("\n").find((line) => line.includes('"marker":"last_token"'));
    const decoded = decode2026(text);
    const resume = typedOf(decoded, "resume_conversation_token");
    const claims = JSON.parse(Buffer.from(String(resume?.token).split(".")[1] ?? "", "base64url").toString()) as Json;
    const ste = typedOf(decoded, "server_ste_metadata")?.metadata as Json;
    expect(joined).toMatch(/^data: \{"type":"message_marker".*\}data: \{"type":"server_ste_metadata"/);
    expect(claims).toMatchObject({ turn_topic_id: `conversation-turn-${String(ste.turn_exchange_id)}`, cluster: expect.stringMatching(/^unified-/) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(4 * 3600);
  });

  test("realisticStream off: no input_message, markers or detail metadata, and no shared line", async () => {
    const { emu, who } = await start2026({ realisticStream: false });
    await using _ = emu;
    const text = await (await turn2026(who, body2026("hi"))).text();
    expect([decode2026(text).typed.map((t) => t.type), splitPayloadLines(text) === text]).toEqual([["resume_conversation_token", "server_ste_metadata", "title_generation", "message_stream_complete"], true]);
  });

  test("a thinking model reasons first: thoughts (more with more effort), a recap, then the final answer", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const shapes: unknown[] = [];
    for (const effort of ["standard", "max"]) {
      const decoded = decode2026(await (await turn2026(who, body2026("why", { model: "gpt-5-6-thinking", thinking_effort: effort }))).text());
      shapes.push(decoded.messages.map((m) => [m.channel, (m.content as Json).content_type, ((m.content as Json).thoughts as unknown[] | undefined)?.length ?? (m.content as Json).content ?? (m.content as Json).parts]));
    }
    expect(shapes).toEqual([
      [["analysis", "thoughts", 1], ["analysis", "reasoning_recap", "Thought for 3 seconds"], ["final", "text", ["You said: why"]]],
      [["analysis", "thoughts", 3], ["analysis", "reasoning_recap", "Thought for 9 seconds"], ["final", "text", ["You said: why"]]],
    ]);
  });

  test("[[scenario:reasoning]] thinks the scenario's two thoughts at any effort (the 2024 tool message's text)", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const thoughts: unknown[] = [];
    for (const effort of ["standard", "max"]) {
      const decoded = decode2026(await (await turn2026(who, body2026("why [[scenario:reasoning]]", { model: "gpt-5-6-thinking", thinking_effort: effort }))).text());
      thoughts.push(((decoded.messages[0]?.content as Json).thoughts as Json[]).map((t) => [t.summary, t.content, t.finished]));
    }
    const scenario = [["Reading the question", "Reading the question carefully.", true], ["Planning the answer", "Planning a short, direct answer.", true]];
    expect(thoughts).toEqual([scenario, scenario]);
  });

  test("auto with the reason hint is served by gpt-5-6-t-mini, which thinks", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const decoded = decode2026(await (await turn2026(who, body2026("hm", { system_hints: ["reason"] }))).text());
    expect([(typedOf(decoded, "server_ste_metadata")?.metadata as Json).model_slug, decoded.messages.length]).toEqual(["gpt-5-6-t-mini", 3]);
  });
});

describe("single use and binding", () => {
  test("a finalize token serves one write: reusing it is 403", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const body = body2026("hi");
    const bundle = await sentinelBundle(who);
    const first = await write(who, body, { ...bundleHeaders(bundle), "x-conduit-token": await prepareConduit(who, body) });
    await first.text();
    const second = await write(who, body2026("again"), { ...bundleHeaders(bundle), "x-conduit-token": await prepareConduit(who, body) });
    expect([first.status, await errorOf(second)]).toEqual([200, { status: 403, body: { detail: "Chat requirements token was already used" } }]);
  });

  test("a proof header that is not the string finalize verified is an empty-bodied 403", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const body = body2026("hi");
    const bundle = await sentinelBundle(who);
    const response = await write(who, body, { ...bundleHeaders(bundle), "openai-sentinel-proof-token": `${bundle.proof ?? ""}x`, "x-conduit-token": await prepareConduit(who, body) });
    expect([response.status, await response.text()]).toEqual([403, ""]);
  });

  test("a write without x-conduit-token is refused (400), and with requireConduit off it passes", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const missing = await write(who, body2026("hi"), bundleHeaders(await sentinelBundle(who)));
    emu.configureWeb2026({ requireConduit: false });
    const allowed = await write(who, body2026("hi"), bundleHeaders(await sentinelBundle(who)));
    expect([await errorOf(missing), allowed.status]).toEqual([{ status: 400, body: { detail: "Missing x-conduit-token: call f/conversation/prepare first" } }, 200]);
  });

  test("a conduit token is single use and bound to its device", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const body = body2026("hi");
    const conduit = await prepareConduit(who, body);
    const first = await write(who, body, { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": conduit });
    await first.text();
    const reused = await write(who, body2026("again"), { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": conduit });
    const other = client2026(emu.url, undefined, {});
    const stranger = { ...who, deviceId: other.deviceId, headers: { ...who.headers, "oai-device-id": other.deviceId } };
    const foreign = await write(stranger, body, { ...bundleHeaders(await sentinelBundle(stranger)), "x-conduit-token": await prepareConduit(who, body) });
    expect([first.status, await errorOf(reused), await errorOf(foreign)]).toEqual([
      200,
      { status: 403, body: { detail: "Conduit token was already used" } },
      { status: 403, body: { detail: "Conduit token was issued to another account or device" } },
    ]);
  });

  test("a conduit token expires after 120 s of the emulator's clock", async () => {
    let clock = 1_800_000_000_000;
    const { emu, who } = await start2026({ now: () => clock });
    await using _ = emu;
    const body = body2026("hi");
    const conduit = await prepareConduit(who, body);
    clock += 120_000;
    const response = await write(who, body, { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": conduit });
    expect(await errorOf(response)).toEqual({ status: 403, body: { detail: "Conduit token has expired" } });
  });

  test("a conduit prepare may thread the previous token, which is spent by it", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const body = body2026("hi");
    const first = await prepareConduit(who, body);
    const second = await prepareConduit(who, body, { "x-conduit-token": first });
    const stale = await write(who, body, { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": first });
    const fresh = await write(who, body, { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": second });
    expect([stale.status, fresh.status]).toEqual([403, 200]);
  });

  test("a null-conduit fault answers conduit_token null once", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    emu.inject({ endpoint: "conduit", kind: { type: "null-conduit" } });
    const prepare = async () => ((await (await post(who, "/f/conversation/prepare", { action: "next", model: "auto", parent_message_id: "client-created-root" })).json()) as { conduit_token: unknown }).conduit_token;
    const [first, second] = [await prepare(), await prepare()];
    expect([first, typeof second]).toEqual([null, "string"]);
  });

  test("a turn trace id that differs from the conduit prepare's is a warning, or a 400 with turnTraceCheck reject", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const body = body2026("hi");
    const send = async () => write(who, body, { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": await prepareConduit(who, body, { "x-oai-turn-trace-id": randomUUID() }), "x-oai-turn-trace-id": randomUUID() });
    const warned = await send();
    await warned.text();
    const warnings = emu.log.findLast((e) => e.path.endsWith("/f/conversation"))?.warnings;
    emu.configureWeb2026({ turnTraceCheck: "reject" });
    expect([warned.status, warnings?.length, (await send()).status]).toEqual([200, 1, 400]);
  });

  test("a finalize token goes stale after 540 s: the write answers 404", async () => {
    let clock = 1_800_000_000_000;
    const { emu, who } = await start2026({ now: () => clock });
    await using _ = emu;
    const bundle = await sentinelBundle(who);
    clock += 540_000;
    const body = body2026("hi");
    const response = await write(who, body, { ...bundleHeaders(bundle), "x-conduit-token": await prepareConduit(who, body) });
    expect(await errorOf(response)).toEqual({ status: 404, body: { detail: "Chat requirements token is stale; finalize a new one" } });
  });

  test("with turnstile on, the write must repeat finalize's Turnstile answer, else the 'Unusual activity' 403", async () => {
    const { emu, who } = await start2026({ turnstile: true });
    await using _ = emu;
    const body = body2026("hi");
    const bundle = await sentinelBundle(who);
    const { "openai-sentinel-turnstile-token": _t, ...without } = bundleHeaders(bundle);
    const refused = await write(who, body, { ...without, "x-conduit-token": await prepareConduit(who, body) });
    const accepted = await turn2026(who, body);
    expect([await errorOf(refused), accepted.status]).toEqual([{ status: 403, body: { detail: "Unusual activity has been detected from your device. Try again later." } }, 200]);
  });
});

describe("identity headers", () => {
  test("oai-device-id must equal the oai-did cookie GET / issued", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const home = await fetch(`${emu.url}/`);
    const cookie = (home.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const did = cookie.replace("oai-did=", "");
    const mismatched = await fetch(`${who.base}/me`, { headers: { ...who.headers, cookie } });
    const matching = await fetch(`${who.base}/me`, { headers: { ...who.headers, cookie, "oai-device-id": did } });
    expect([cookie.startsWith("oai-did="), await errorOf(mismatched), matching.status]).toEqual([true, { status: 403, body: { detail: "oai-device-id does not match the oai-did cookie" } }, 200]);
  });

  test("every backend call needs oai-device-id; optional identity headers must look right when sent", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const { "oai-device-id": _d, ...noDevice } = who.headers;
    const get = (headers: Record<string, string>, path = "/me") => fetch(`${who.base}${path}`, { headers }).then((r) => r.status);
    expect([
      await get(noDevice),
      await get({ ...who.headers, "oai-client-version": "prod-123" }),
      await get({ ...who.headers, "oai-client-build-number": "v7" }),
      await get({ ...who.headers, "x-openai-target-path": "/backend-api/models" }),
      await get({ ...who.headers, "x-openai-target-path": "/backend-api/me", "x-openai-target-route": "/backend-api/me" }),
      await get({ ...who.headers, "x-openai-target-route": "/backend-api/files/{file_id}" }, "/files/file-abc"),
    ]).toEqual([400, 400, 400, 400, 200, 404]);
  });
});

describe("the body", () => {
  test.each([
    ["thinking_effort high", { thinking_effort: "high" }],
    ["thinking_effort medium", { thinking_effort: "medium" }],
    ["client_prepare_state done", { client_prepare_state: "done" }],
    ["supports_buffering as a string", { supports_buffering: "yes" }],
  ])("%s → 422 Invalid conversation body", async (_, extra) => {
    const { emu, who } = await start2026();
    await using _emu = emu;
    // the conduit prepare checks the same enums, so only the write gets this body
    const body = body2026("hi", { model: "gpt-5-6-thinking", ...extra });
    const refused = await write(who, body, { ...bundleHeaders(await sentinelBundle(who)), "x-conduit-token": await prepareConduit(who, body2026("hi")) });
    expect(await errorOf(refused)).toEqual({ status: 422, body: { detail: "Invalid conversation body" } });
  });

  test("the conduit prepare refuses a bad effort too, and needs action, model and parent_message_id", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const { parent_message_id: _p, ...noParent } = body2026("hi");
    const statuses = [];
    for (const body of [body2026("hi", { thinking_effort: "high" }), noParent]) {
      statuses.push((await fetch(`${who.base}/f/conversation/prepare`, { method: "POST", headers: who.headers, body: JSON.stringify(body) })).status);
    }
    expect(statuses).toEqual([422, 422]);
  });

  test("plan gating: free cannot ask for gpt-5-6-thinking (404), pro may ask for gpt-5-6-pro", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const free = client2026(emu.url, emu.addAccount({ plan: "free" }).accessToken);
    const plus = client2026(emu.url, emu.addAccount({ plan: "plus" }).accessToken);
    const pro = client2026(emu.url, emu.addAccount({ plan: "pro" }).accessToken);
    const statuses = [
      (await turn2026(free, body2026("hi", { model: "gpt-5-6-thinking" }))).status,
      (await turn2026(plus, body2026("hi", { model: "gpt-5-6-pro" }))).status,
      (await turn2026(pro, body2026("hi", { model: "gpt-5-6-pro" }))).status,
      (await turn2026(free, body2026("hi", { model: "gpt-4o" }))).status,
    ];
    const models = (await (await fetch(`${free.base}/models`, { headers: free.headers })).json()) as { models: { slug: string; title: string }[] };
    expect([statuses, models.models.find((m) => m.slug === "gpt-5-6-t-mini")?.title]).toEqual([[404, 404, 200, 404], "GPT-5.6 Thinking mini"]);
  });
});

describe("downgrades", () => {
  test("downgradeTo serves every later write by another slug; null stops it", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const slug = async () => (typedOf(decode2026(await (await turn2026(who, body2026("hi", { model: "gpt-5-6-thinking" }))).text()), "server_ste_metadata")?.metadata as Json).model_slug;
    emu.downgradeTo("gpt-5-5-mini");
    const downgraded = await slug();
    emu.downgradeTo(null);
    expect([downgraded, await slug(), emu.log.filter((e) => e.servedModel).map((e) => e.servedModel)]).toEqual(["gpt-5-5-mini", "gpt-5-6-thinking", ["gpt-5-5-mini", "gpt-5-6-thinking"]]);
  });

  test("mini pool: a write without client_prepare_state is served by gpt-5-5-mini", async () => {
    const { emu, who } = await start2026({ miniPool: true });
    await using _ = emu;
    const { client_prepare_state: _s, ...stateless } = body2026("hi", { model: "gpt-5-6-thinking" });
    const slugs = [];
    for (const body of [stateless, body2026("hi", { model: "gpt-5-6-thinking" })]) {
      slugs.push((typedOf(decode2026(await (await turn2026(who, body)).text()), "server_ste_metadata")?.metadata as Json).model_slug);
    }
    expect(slugs).toEqual(["gpt-5-5-mini", "gpt-5-6-thinking"]);
  });
});

describe("no-login writes", () => {
  test("an anonymous f/conversation is 403 'Unusual activity' even when everything else is right", async () => {
    await using emu = await startEmulator({ webGeneration: "2026" });
    const response = await turn2026(client2026(emu.url), body2026("hi"));
    expect(await errorOf(response)).toEqual({ status: 403, body: { detail: "Unusual activity has been detected from your device. Try again later." } });
  });

  test("with anonAllowed the anonymous write streams, as persona chatgpt-noauth", async () => {
    await using emu = await startEmulator({ webGeneration: "2026", anonAllowed: true });
    const response = await turn2026(client2026(emu.url), body2026("hi"));
    expect([response.status, decode2026(await response.text()).messages.length, emu.log.findLast((e) => e.path === "/backend-anon/f/conversation")?.account]).toEqual([200, 1, "anon"]);
  });
});
