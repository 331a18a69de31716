import { describe, expect, test } from "bun:test";
import { secChUa } from "../identity.ts";
import { verifyProofOfWork } from "../pow/verify.ts";
import { UpstreamError } from "../errors.ts";
import { anonymous, CHROME_148, DATA_BUILD, DIFFICULTY, fakeUpstream, json, SEED, type SeenCall } from "./__fixtures__/fake-upstream.ts";
import { testClient } from "./__fixtures__/test-client.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const of = (calls: SeenCall[], path: string) => calls.filter((call) => call.path === path);
const one = (calls: SeenCall[], path: string) => {
  const [call, ...rest] = of(calls, path);
  if (!call || rest.length > 0) throw new Error(`expected one ${path}, saw ${of(calls, path).length}`);
  return call;
};

describe("the 2026 handshake", () => {
  test("calls page, sentinel prepare, finalize, conduit prepare and f/conversation, in that order, and the answer streams", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const opened = await chat();
    expect(fake.sequence()).toEqual([
      "GET /",
      "POST /backend-api/sentinel/chat-requirements/prepare",
      "POST /backend-api/sentinel/chat-requirements/finalize",
      "POST /backend-api/f/conversation/prepare",
      "POST /backend-api/f/conversation",
    ]);
    expect({ persona: opened.persona, events: opened.events.length > 0 }).toEqual({ persona: "chatgpt-freeaccount", events: true });
  });

  test("every backend call carries the 2026 identity: client version and build from the page, session id, its own target path, oai-did = oai-device-id", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const backend = fake.calls.filter((call) => call.path.startsWith("/backend-api/"));
    const deviceId = backend[0]?.headers["oai-device-id"];
    expect(
      backend.map((call) => ({
        version: call.headers["oai-client-version"],
        build: call.headers["oai-client-build-number"],
        session: UUID.test(call.headers["oai-session-id"] ?? ""),
        path: call.headers["x-openai-target-path"] === call.path && call.headers["x-openai-target-route"] === call.path,
        device: call.headers["oai-device-id"] === deviceId && call.headers.cookie?.includes(`oai-did=${deviceId}`) && !call.headers.cookie?.includes("server-issued"),
        chrome: call.headers["user-agent"] === CHROME_148 && call.headers["sec-ch-ua"] === secChUa(148, "Google Chrome"),
      })),
    ).toEqual(backend.map(() => ({ version: DATA_BUILD, build: "7654321", session: true, path: true, device: true, chrome: true })));
    expect(new Set(backend.map((call) => call.headers["oai-session-id"])).size).toBe(1);
  });

  test("sentinel: p is a single gAAAAAC encoding with slot 3 = 1; finalize gets the prepare token and an FNV proof; the write repeats that proof", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const prepare = one(fake.calls, "/backend-api/sentinel/chat-requirements/prepare");
    const p = String(prepare.body?.p);
    const slots = JSON.parse(Buffer.from(p.slice(7), "base64").toString("utf8")) as unknown[];
    expect([p.slice(0, 7), slots.length, slots[3], slots[6], slots[14], slots[1]]).toEqual([
      "gAAAAAC",
      25,
      1,
      DATA_BUILD,
      prepare.headers["oai-device-id"],
      "Fri Aug 21 2026 10:00:00 GMT-0700 (Pacific Daylight Time)",
    ]);
    const finalize = one(fake.calls, "/backend-api/sentinel/chat-requirements/finalize");
    const proof = String(finalize.body?.proofofwork);
    expect(Object.keys(finalize.body ?? {})).toEqual(["prepare_token", "proofofwork"]);
    expect([finalize.body?.prepare_token, proof.endsWith("~S"), verifyProofOfWork(SEED, DIFFICULTY, proof, "fnv")]).toEqual(["prepare-1", true, true]);
    const write = one(fake.calls, "/backend-api/f/conversation");
    expect({
      requirements: write.headers["openai-sentinel-chat-requirements-token"],
      proof: write.headers["openai-sentinel-proof-token"],
      so: write.headers["openai-sentinel-so-token"],
      conduit: write.headers["x-conduit-token"],
      accept: write.headers.accept,
    }).toEqual({ requirements: "write-2", proof, so: "so-2", conduit: "conduit-3", accept: "text/event-stream" });
  });

  test("the conduit prepare and the write share one turn trace id; the bodies are the 2026 ones", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const prepare = one(fake.calls, "/backend-api/f/conversation/prepare");
    const write = one(fake.calls, "/backend-api/f/conversation");
    expect(UUID.test(prepare.headers["x-oai-turn-trace-id"] ?? "")).toBe(true);
    expect(write.headers["x-oai-turn-trace-id"]).toBe(prepare.headers["x-oai-turn-trace-id"] as string);
    // a new chat's first prepare sends no conduit token at all
    expect(prepare.headers["x-conduit-token"]).toBeUndefined();
    expect(prepare.body).toMatchObject({ action: "next", model: "gpt-4o", client_prepare_state: "none", timezone_offset_min: 420 });
    expect(write.body).toMatchObject({ client_prepare_state: "success", force_parallel_switch: "auto", timezone_offset_min: 420, client_contextual_info: { app_name: "chatgpt.com" } });
    expect(Object.keys(write.body ?? {}).filter((key) => ["force_use_sse", "variant_purpose", "force_paragen", "supports_buffering"].includes(key))).toEqual([]);
  });

  test("no token serves two requests: each write has its own prepare, finalize, proof and conduit", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat } = testClient(fake, { webProtocol: "2026" });
    await chat();
    await chat();
    const finalizes = of(fake.calls, "/backend-api/sentinel/chat-requirements/finalize");
    const writes = of(fake.calls, "/backend-api/f/conversation");
    const distinct = (values: unknown[]) => new Set(values).size;
    expect({
      prepares: distinct(finalizes.map((call) => call.body?.prepare_token)),
      proofs: distinct(writes.map((call) => call.headers["openai-sentinel-proof-token"])),
      writeTokens: distinct(writes.map((call) => call.headers["openai-sentinel-chat-requirements-token"])),
      conduits: distinct(writes.map((call) => call.headers["x-conduit-token"])),
      traces: distinct(writes.map((call) => call.headers["x-oai-turn-trace-id"])),
      pages: of(fake.calls, "/").length,
    }).toEqual({ prepares: 2, proofs: 2, writeTokens: 2, conduits: 2, traces: 2, pages: 1 });
  });

  test("a conduit prepare that fails is tried once as success without a token, then the write goes without one", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /f/conversation/prepare", () => json(500, { detail: "boom" }));
    const { chat, log } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const prepares = of(fake.calls, "/backend-api/f/conversation/prepare");
    expect(prepares.map((call) => call.body?.client_prepare_state)).toEqual(["none", "success"]);
    expect(one(fake.calls, "/backend-api/f/conversation").headers["x-conduit-token"]).toBeUndefined();
    expect(String(log.lines().find((line) => line.msg === "web handshake")?.notes)).toContain("writing without conduit");
  });

  test("one info line per request names generation, hash and calls, and no token", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    const { chat, log } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const lines = log.lines().filter((line) => line.msg === "web handshake");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      generation: "2026",
      hash: "fnv",
      calls: "GET / 200, POST /backend-api/sentinel/chat-requirements/prepare 200, POST /backend-api/sentinel/chat-requirements/finalize 200, POST /backend-api/f/conversation/prepare 200, POST /backend-api/f/conversation 200",
    });
    expect(JSON.stringify(log.lines())).not.toMatch(/prepare-1|write-2|conduit-3|so-2|account-token|gAAAAA/);
  });
});

describe("proof-of-work hash fallback", () => {
  test("an FNV proof refused at finalize: a fresh page and bundle solved with SHA3, remembered for this base URL, FNV again after 30 minutes", async () => {
    const fake = fakeUpstream({ generation: "2026", accepts: ["sha3"] });
    const { chat, clock, log } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const finalizes = () => of(fake.calls, "/backend-api/sentinel/chat-requirements/finalize").map((call) => String(call.body?.proofofwork));
    const hashes = () => finalizes().map((proof) => (verifyProofOfWork(SEED, DIFFICULTY, proof, "fnv") ? "fnv" : verifyProofOfWork(SEED, DIFFICULTY, proof, "sha3") ? "sha3" : "?"));
    expect({ hashes: hashes(), pages: of(fake.calls, "/").length, prepares: of(fake.calls, "/backend-api/sentinel/chat-requirements/prepare").length }).toEqual({
      hashes: ["fnv", "sha3"],
      pages: 2,
      prepares: 2,
    });
    expect(log.lines().find((line) => line.msg === "web handshake")).toMatchObject({ hash: "sha3", notes: "fnv proof refused (HTTP 403), sha3 next" });

    fake.reset();
    await chat();
    expect(hashes()).toEqual(["sha3"]);

    fake.reset();
    clock.t += 30 * 60_000;
    await chat();
    expect(hashes()).toEqual(["fnv", "sha3"]);
  });

  test("past the 30 minutes one request in flight probes FNV again while the others keep SHA3; once FNV works SHA3 is let go", async () => {
    const accepts: Array<"fnv" | "sha3"> = ["sha3"];
    const fake = fakeUpstream({ generation: "2026", accepts });
    const { chat, clock } = testClient(fake, { webProtocol: "2026" });
    await chat();
    const hashes = () =>
      of(fake.calls, "/backend-api/sentinel/chat-requirements/finalize").map((call) => (verifyProofOfWork(SEED, DIFFICULTY, String(call.body?.proofofwork), "fnv") ? "fnv" : "sha3"));
    accepts.push("fnv");
    clock.t += 30 * 60_000;
    fake.reset();
    await Promise.all([chat(), chat(), chat()]);
    expect(hashes().sort()).toEqual(["fnv", "sha3", "sha3"]);
    fake.reset();
    await Promise.all([chat(), chat()]);
    expect(hashes()).toEqual(["fnv", "fnv"]);
  });

  test("a write refused with a bare 403 counts as a refused proof too; a second refusal is the error", async () => {
    const fake = fakeUpstream({ generation: "2026", accepts: ["fnv", "sha3"] });
    fake.override("POST /f/conversation", () => new Response(null, { status: 403 }));
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = await chat().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect({ kind: (error as UpstreamError).kind, writes: of(fake.calls, "/backend-api/f/conversation").length }).toEqual({ kind: "forbidden", writes: 2 });
  });

  test("a write answered with a Cloudflare challenge page is that, not a refused proof: one write, no other hash", async () => {
    const fake = fakeUpstream({ generation: "2026", accepts: ["fnv", "sha3"] });
    const challenge = '<html><script>window._cf_chl_opt={}</script></html>';
    fake.override("POST /f/conversation", () => new Response(challenge, { status: 403, headers: { "content-type": "text/html" } }));
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = await chat().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect({ kind: (error as UpstreamError).kind, writes: of(fake.calls, "/backend-api/f/conversation").length }).toEqual({ kind: "cloudflare", writes: 1 });
  });

  test("a proof harder than POW_DIFFICULTY is refused before anything is solved or finalized", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /sentinel/chat-requirements/prepare", () =>
      json(200, { prepare_token: "p", proofofwork: { required: true, seed: SEED, difficulty: "000001" }, turnstile: { required: false } }),
    );
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = (await chat().catch((e: unknown) => e)) as UpstreamError;
    expect({ kind: error.kind, finalized: of(fake.calls, "/backend-api/sentinel/chat-requirements/finalize").length }).toEqual({ kind: "pow-too-hard", finalized: 0 });
  });
});

describe("Turnstile and no-login refusals", () => {
  test("Turnstile required with a solver: the solver gets p and dx, finalize and the write carry its token", async () => {
    const fake = fakeUpstream({ generation: "2026", turnstileRequired: true });
    fake.override("POST /solver", (call) => json(200, { t: `solved-${String(call.body?.dx)}` }));
    const { chat } = testClient(fake, { webProtocol: "2026", turnstileSolverUrl: "https://up.example/solver" });
    await chat();
    const solver = one(fake.calls, "/solver");
    const prepare = one(fake.calls, "/backend-api/sentinel/chat-requirements/prepare");
    expect([solver.body?.p, solver.body?.dx]).toEqual([prepare.body?.p, "dx-program"]);
    expect(one(fake.calls, "/backend-api/sentinel/chat-requirements/finalize").body?.turnstile).toBe("solved-dx-program");
    expect(one(fake.calls, "/backend-api/f/conversation").headers["openai-sentinel-turnstile-token"]).toBe("solved-dx-program");
  });

  test("Turnstile required without a solver: sent without, and the write's Unusual activity 403 becomes an error naming TURNSTILE_SOLVER_URL", async () => {
    const fake = fakeUpstream({ generation: "2026", turnstileRequired: true });
    fake.override("POST /f/conversation", () => json(403, { detail: "Unusual activity has been detected from your device. Try again later." }));
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = (await chat().catch((e: unknown) => e)) as UpstreamError;
    expect("turnstile" in (one(fake.calls, "/backend-api/sentinel/chat-requirements/finalize").body ?? {})).toBe(false);
    expect({ kind: error.kind, names: error.message.includes("TURNSTILE_SOLVER_URL"), writes: of(fake.calls, "/backend-api/f/conversation").length }).toEqual({
      kind: "challenge-unavailable",
      names: true,
      writes: 1,
    });
  });

  test("no-login: /backend-anon throughout, and its Unusual activity 403 is anonymous-refused after one write", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /f/conversation", () => json(403, { detail: "Unusual activity has been detected from your device. Try again later." }));
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = (await chat(anonymous()).catch((e: unknown) => e)) as UpstreamError;
    expect(fake.calls.filter((call) => call.path.startsWith("/backend-")).every((call) => call.path.startsWith("/backend-anon/") && !call.headers.authorization)).toBe(true);
    expect({ kind: error.kind, status: error.status, writes: of(fake.calls, "/backend-anon/f/conversation").length }).toEqual({ kind: "anonymous-refused", status: 403, writes: 1 });
    expect(error.message).toContain("without an account");
  });

  test("no-login: a sentinel that says force_login is anonymous-refused before any proof is solved", async () => {
    const fake = fakeUpstream({ generation: "2026" });
    fake.override("POST /sentinel/chat-requirements/prepare", () => json(200, { prepare_token: "p", force_login: true, proofofwork: { required: true, seed: SEED, difficulty: DIFFICULTY } }));
    const { chat } = testClient(fake, { webProtocol: "2026" });
    const error = (await chat(anonymous()).catch((e: unknown) => e)) as UpstreamError;
    expect({ kind: error.kind, finalized: of(fake.calls, "/backend-anon/sentinel/chat-requirements/finalize").length }).toEqual({ kind: "anonymous-refused", finalized: 0 });
  });
});
