import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../errors.ts";
import { DIFFICULTY, fakeUpstream, json, notFound, SEED } from "./__fixtures__/fake-upstream.ts";
import { testClient } from "./__fixtures__/test-client.ts";

const PREPARE = "POST /backend-api/sentinel/chat-requirements/prepare";
const LEGACY = ["POST /backend-api/sentinel/chat-requirements", "POST /backend-api/conversation"];
const MODERN = [PREPARE, "POST /backend-api/sentinel/chat-requirements/finalize", "POST /backend-api/f/conversation/prepare", "POST /backend-api/f/conversation"];
const backend = (sequence: string[]) => sequence.filter((call) => call !== "GET /");

describe("WEB_PROTOCOL=auto", () => {
  test("a 2024 upstream: 2026 is tried, its 404 falls back to 2024 in the same request, and 2024 is remembered for this base URL", async () => {
    const fake = fakeUpstream({ generation: "2024" });
    const { chat, log } = testClient(fake);
    await chat();
    expect(backend(fake.sequence())).toEqual([PREPARE, ...LEGACY]);
    expect(log.lines().find((line) => line.msg === "web handshake")).toMatchObject({
      generation: "2024",
      hash: "sha3",
      notes: "2026 not served (sentinel prepare: HTTP 404), 2024 next",
    });
    fake.reset();
    await chat();
    expect(backend(fake.sequence())).toEqual(LEGACY);
  });

  test("after 30 minutes 2026 is probed again (and used once the upstream serves it)", async () => {
    const fake = fakeUpstream({ generation: "2024" });
    const { chat, clock } = testClient(fake);
    await chat();
    clock.t += 29 * 60_000;
    fake.reset();
    await chat();
    expect(backend(fake.sequence())).toEqual(LEGACY);
    clock.t += 60_000;
    fake.reset();
    await chat();
    expect(backend(fake.sequence())).toEqual([PREPARE, ...LEGACY]);
  });

  test("past the 30 minutes one request in flight probes 2026 again, and the others keep to 2024 meanwhile", async () => {
    const fake = fakeUpstream({ generation: "2024" });
    const { chat, clock } = testClient(fake);
    await chat();
    clock.t += 30 * 60_000;
    fake.reset();
    await Promise.all([chat(), chat(), chat()]);
    const prepares = fake.sequence().filter((call) => call === PREPARE);
    expect([prepares.length, backend(fake.sequence()).filter((call) => call === LEGACY[1]).length]).toEqual([1, 3]);
    fake.reset();
    await Promise.all([chat(), chat()]);
    expect(backend(fake.sequence()).sort()).toEqual([...LEGACY, ...LEGACY].sort());
  });

  test("a probe that finds 2026 served lets 2024 go: the requests after it speak 2026", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    let legacyOnly = true;
    const prepare2026 = (): Response =>
      json(200, { persona: "chatgpt-freeaccount", prepare_token: "prepare", proofofwork: { required: true, seed: SEED, difficulty: DIFFICULTY }, turnstile: { required: false }, so: { required: false } });
    fake.override("POST /sentinel/chat-requirements/prepare", () => (legacyOnly ? notFound() : prepare2026()));
    fake.override("POST /sentinel/chat-requirements", () =>
      json(200, { persona: "chatgpt-freeaccount", token: "legacy", proofofwork: { required: false }, turnstile: { required: false } }),
    );
    fake.override("POST /conversation", () => new Response('data: {"message": null}\n\ndata: [DONE]\n\n', { headers: { "content-type": "text/event-stream" } }));
    const { chat, clock } = testClient(fake);
    await chat();
    expect(backend(fake.sequence())).toEqual([PREPARE, ...LEGACY]);
    legacyOnly = false;
    clock.t += 30 * 60_000;
    fake.reset();
    await chat();
    await chat();
    expect(backend(fake.sequence())).toEqual([...MODERN, ...MODERN]);
  });

  test("a 2026 upstream is used at once, and nothing is remembered against it", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat } = testClient(fake);
    const first = await chat();
    await chat();
    expect([first.persona, backend(fake.sequence())]).toEqual(["chatgpt-freeaccount", [...MODERN, ...MODERN]]);
  });

  test("f/conversation answering the router's 404 falls back to a whole 2024 handshake; the body (uploads) is built once", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /f/conversation", () => notFound());
    fake.override("POST /sentinel/chat-requirements", () =>
      json(200, { persona: "chatgpt-freeaccount", token: "legacy", proofofwork: { required: false }, turnstile: { required: false } }),
    );
    fake.override("POST /conversation", () => new Response('data: {"message": null}\n\ndata: [DONE]\n\n', { headers: { "content-type": "text/event-stream" } }));
    const { chat, bodies } = testClient(fake);
    await chat();
    expect([backend(fake.sequence()), bodies()]).toEqual([[...MODERN, ...LEGACY], 1]);
  });

  test("a 404 that names something (a model, a stale token) is an error, not a reason to change protocols", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /f/conversation", () => json(404, { detail: "Model not found" }));
    const { chat } = testClient(fake);
    const error = (await chat().catch((e: unknown) => e)) as UpstreamError;
    expect([error.kind, error.status, backend(fake.sequence())]).toEqual(["bad-request", 404, MODERN]);
  });

  test("an upstream with neither generation answers the last one's own error", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /sentinel/chat-requirements/prepare", () => notFound());
    const { chat } = testClient(fake);
    const error = (await chat().catch((e: unknown) => e)) as UpstreamError;
    expect([error instanceof UpstreamError, error.status, error.message]).toEqual([true, 404, "ChatGPT rejected chat-requirements (HTTP 404): Not Found"]);
  });
});

describe("WEB_PROTOCOL forced", () => {
  test("2024 never touches a 2026 endpoint", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /sentinel/chat-requirements", () => json(200, { token: "legacy", proofofwork: { required: false } }));
    fake.override("POST /conversation", () => new Response('data: {"message": null}\n\ndata: [DONE]\n\n', { headers: { "content-type": "text/event-stream" } }));
    const { chat } = testClient(fake, { webProtocol: "2024" });
    await chat();
    expect(backend(fake.sequence())).toEqual(LEGACY);
  });

  test("2026 against a 2024 upstream fails with the 404, without falling back", async () => {
    const fake = fakeUpstream({ generation: "2024" });
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = (await chat().catch((e: unknown) => e)) as UpstreamError;
    expect([error.kind, error.status, backend(fake.sequence())]).toEqual(["bad-request", 404, [PREPARE]]);
  });

  test("CONVERSATION_ONLY in auto mode keeps the 2024 path; forced 2026 writes the 2026 body to f/conversation without sentinel or conduit", async () => {
    const legacy = fakeUpstream({ generation: "2024" });
    legacy.override("POST /conversation", () => new Response('data: {"message": null}\n\ndata: [DONE]\n\n', { headers: { "content-type": "text/event-stream" } }));
    await testClient(legacy, { conversationOnly: true }).chat();
    const modern = fakeUpstream({ generation: "2026" });
    await testClient(modern, { conversationOnly: true, webProtocol: "2026" }).chat();
    expect([legacy.sequence(), modern.sequence()]).toEqual([["POST /backend-api/conversation"], ["GET /", "POST /backend-api/f/conversation"]]);
    expect(modern.calls.at(-1)?.body).toMatchObject({ client_prepare_state: "success", force_parallel_switch: "auto" });
  });
});
