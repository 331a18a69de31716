/** The emulator's gatekeeping: bearer tokens, Team header, sentinel token, proof of work, challenges, authkey. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "./index.ts";
import { configToken, conversationBody, converse, identity, postConversation, requirements, sentinelHeaders, solvePow } from "./test-client.ts";

async function errorOf(response: Response): Promise<{ status: number; type: string | null; body: unknown }> {
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

describe("a correct handshake", () => {
  test("requirements then conversation streams an answer, and the log records a verified proof", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ id: "alice", plan: "plus" });
    const who = identity(emu.url, account.accessToken);
    const response = await converse(who, conversationBody("hi"));
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "text/event-stream; charset=utf-8"]);
    await response.text();
    const entry = emu.log.at(-1);
    expect({ path: entry?.path, account: entry?.account, powVerified: entry?.powVerified, auth: entry?.headers.authorization, encoding: entry?.encoding }).toEqual({
      path: "/backend-api/conversation",
      account: "alice",
      powVerified: true,
      auth: "Bearer alice",
      encoding: "legacy",
    });
    expect(emu.stats()).toEqual({ oauthRefreshes: 0, oauthExchanges: { ios: 0, mobile: 0, platform: 0 }, oauthWrongClient: 0, conversations: 1, powVerified: 1, powRejected: 0, held: 0, streamedBytes: expect.any(Number) });
  });

  test.each([
    ["free", "chatgpt-freeaccount"],
    ["plus", "chatgpt-paid"],
    ["team", "chatgpt-paid"],
  ] as const)("a %s account gets persona %s", async (plan, persona) => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ plan });
    const who = identity(emu.url, account.accessToken, account.accountId ? { "chatgpt-account-id": account.accountId } : {});
    expect((await requirements(who)).persona).toBe(persona);
  });

  test("anonymous calls on /backend-anon get persona chatgpt-noauth and an answer", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    expect((await requirements(who)).persona).toBe("chatgpt-noauth");
    const response = await converse(who, conversationBody("hi"));
    expect([response.status, emu.log.at(-1)?.account]).toEqual([200, "anon"]);
  });

  test("requirements announce an easy default difficulty and a string seed", async () => {
    await using emu = await startEmulator();
    const req = await requirements(identity(emu.url));
    expect({ required: req.proofofwork.required, difficulty: req.proofofwork.difficulty, seed: typeof req.proofofwork.seed }).toEqual({
      required: true,
      difficulty: "0fffff",
      seed: "string",
    });
  });

  test("with requirePow false no proof is asked for and none is verified", async () => {
    await using emu = await startEmulator({ requirePow: false });
    const who = identity(emu.url);
    const req = await requirements(who);
    const response = await postConversation(who, { "openai-sentinel-chat-requirements-token": req.token }, conversationBody("hi"));
    expect([req.proofofwork, response.status, emu.log.at(-1)?.powVerified]).toEqual([{ required: false }, 200, false]);
  });
});

describe("bearer tokens", () => {
  test("an expired access token is refused with 401 JSON", async () => {
    let clock = 1_800_000_000_000;
    await using emu = await startEmulator({ now: () => clock });
    emu.addAccount({ id: "bob" });
    const token = emu.issueAccessToken("bob", { expiresInSec: 60 });
    clock += 61_000;
    const response = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(await errorOf(response)).toEqual({
      status: 401,
      type: "application/json",
      body: { detail: { message: "Your authentication token has expired. Please try signing in again.", type: "invalid_request_error", param: null, code: "token_expired" } },
    });
  });

  test.each([
    ["a malformed token", "not-a-jwt"],
    ["a JWT signed by someone else", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhdXRoMHxib2IiLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJl"],
  ])("%s is refused with 401", async (_, token) => {
    await using emu = await startEmulator();
    emu.addAccount({ id: "bob" });
    const response = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(await errorOf(response)).toEqual({ status: 401, type: "application/json", body: { detail: "Could not parse your authentication token. Please try signing in again." } });
  });

  test("/backend-api without a bearer is 401", async () => {
    await using emu = await startEmulator();
    expect((await fetch(`${emu.url}/backend-api/models`)).status).toBe(401);
  });

  test("access tokens are HS256 JWTs carrying the account claims", async () => {
    await using emu = await startEmulator({ now: () => 1_800_000_000_000 });
    const account = emu.addAccount({ id: "t1", email: "t1@corp.test", plan: "team", accountId: "ws-123" });
    const [header, payload] = account.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    expect({ start: account.accessToken.slice(0, 10), header: JSON.parse(Buffer.from(header ?? "", "base64url").toString()), auth: claims["https://api.openai.com/auth"], exp: claims.exp }).toEqual({
      start: "eyJhbGciOi",
      header: { alg: "HS256", typ: "JWT" },
      auth: { chatgpt_account_id: "ws-123", chatgpt_plan_type: "team", chatgpt_user_id: "user-t1", user_id: "user-t1" },
      exp: 1_800_000_000 + 10 * 24 * 3600,
    });
  });
});

describe("Team accounts", () => {
  test("a Team request without chatgpt-account-id is refused with 403", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ plan: "team", accountId: "ws-1" });
    const response = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${account.accessToken}` } });
    expect(await errorOf(response)).toEqual({
      status: 403,
      type: "application/json",
      body: { detail: { code: "account_id_required", message: "This workspace account needs the chatgpt-account-id header." } },
    });
  });

  test("a Team request naming another workspace is refused with 403", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ plan: "team", accountId: "ws-1" });
    const response = await fetch(`${emu.url}/backend-api/models`, { headers: { authorization: `Bearer ${account.accessToken}`, "chatgpt-account-id": "ws-2" } });
    expect(response.status).toBe(403);
  });

  test("a Team request with its workspace header is served and the header is logged", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount({ plan: "team", accountId: "ws-1" });
    const response = await converse(identity(emu.url, account.accessToken, { "chatgpt-account-id": "ws-1" }), conversationBody("hi", { model: "gpt-4o" }));
    expect([response.status, emu.log.at(-1)?.headers["chatgpt-account-id"]]).toEqual([200, "ws-1"]);
  });
});

describe("the sentinel token", () => {
  test("a conversation without the requirements token is refused with 403", async () => {
    await using emu = await startEmulator();
    const response = await postConversation(identity(emu.url), {}, conversationBody("hi"));
    expect(await errorOf(response)).toEqual({ status: 403, type: "application/json", body: { detail: "Missing openai-sentinel-chat-requirements-token" } });
  });

  test("a token used twice is refused the second time", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    const headers = sentinelHeaders(await requirements(who));
    const first = await postConversation(who, headers, conversationBody("hi"));
    await first.text();
    const second = await postConversation(who, headers, conversationBody("hi"));
    expect([first.status, await errorOf(second)]).toEqual([200, { status: 403, type: "application/json", body: { detail: "Chat requirements token was already used" } }]);
  });

  test("a token issued to another account is refused", async () => {
    await using emu = await startEmulator();
    const a = emu.addAccount();
    const b = emu.addAccount();
    const whoA = identity(emu.url, a.accessToken);
    const whoB = { ...identity(emu.url, b.accessToken), headers: { ...identity(emu.url, b.accessToken).headers, "oai-device-id": whoA.headers["oai-device-id"] ?? "" } };
    const response = await postConversation(whoB, sentinelHeaders(await requirements(whoA)), conversationBody("hi"));
    expect(await errorOf(response)).toEqual({ status: 403, type: "application/json", body: { detail: "Chat requirements token was issued to another account or device" } });
  });

  test("a token presented from another device is refused", async () => {
    await using emu = await startEmulator();
    const a = emu.addAccount();
    const headers = sentinelHeaders(await requirements(identity(emu.url, a.accessToken)));
    const response = await postConversation(identity(emu.url, a.accessToken), headers, conversationBody("hi"));
    expect(response.status).toBe(403);
  });

  test("a token older than 540 s is refused", async () => {
    let clock = 1_800_000_000_000;
    await using emu = await startEmulator({ now: () => clock });
    const who = identity(emu.url);
    const headers = sentinelHeaders(await requirements(who));
    clock += 540_000;
    expect(await errorOf(await postConversation(who, headers, conversationBody("hi")))).toEqual({ status: 403, type: "application/json", body: { detail: "Chat requirements token has expired" } });
  });

  test.each([
    ["no p", {}],
    ["a garbled p", { p: "gAAAAACnot base64!" }],
    ["a proof token as p", { p: configToken("gAAAAAB") }],
  ])("chat-requirements with %s is a 400 JSON error", async (_, body) => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    const response = await fetch(`${who.base}/sentinel/chat-requirements`, { method: "POST", headers: who.headers, body: JSON.stringify(body) });
    expect([response.status, response.headers.get("content-type")]).toEqual([400, "application/json"]);
  });

  test.each(["user-agent", "oai-device-id"])("chat-requirements without %s is refused with 400", async (header) => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    const headers = new Headers(who.headers);
    headers.delete(header);
    if (header === "user-agent") headers.set("user-agent", "");
    const response = await fetch(`${who.base}/sentinel/chat-requirements`, { method: "POST", headers, body: JSON.stringify({ p: configToken("gAAAAAC") }) });
    expect(response.status).toBe(400);
  });
});

describe("proof of work", () => {
  test("a wrong proof is refused with 403 and counted as rejected", async () => {
    await using emu = await startEmulator({ powDifficulty: "00000f" });
    const who = identity(emu.url);
    const req = await requirements(who);
    const response = await postConversation(who, { "openai-sentinel-chat-requirements-token": req.token, "openai-sentinel-proof-token": configToken("gAAAAAB", 1) }, conversationBody("hi"));
    expect([await errorOf(response), emu.stats().powRejected, emu.log.at(-1)?.powVerified]).toEqual([
      { status: 403, type: "application/json", body: { detail: "proof of work does not meet the difficulty" } },
      1,
      undefined,
    ]);
  });

  test("the give-up token is treated as unsolved", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    const req = await requirements(who);
    const giveUp = `gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4D${Buffer.from(`"${req.proofofwork.seed}"`).toString("base64")}`;
    const response = await postConversation(who, { "openai-sentinel-chat-requirements-token": req.token, "openai-sentinel-proof-token": giveUp }, conversationBody("hi"));
    expect(await errorOf(response)).toEqual({ status: 403, type: "application/json", body: { detail: "proof of work was not solved" } });
  });

  test("a missing proof is refused when one was required", async () => {
    await using emu = await startEmulator();
    const who = identity(emu.url);
    const req = await requirements(who);
    const response = await postConversation(who, { "openai-sentinel-chat-requirements-token": req.token }, conversationBody("hi"));
    expect(response.status).toBe(403);
  });

  test("a harder configured difficulty is announced and enforced", async () => {
    await using emu = await startEmulator({ powDifficulty: "00ffff" });
    const who = identity(emu.url);
    const req = await requirements(who);
    const proof = solvePow(req.proofofwork.seed ?? "", "00ffff");
    const response = await postConversation(who, { "openai-sentinel-chat-requirements-token": req.token, "openai-sentinel-proof-token": proof }, conversationBody("hi"));
    expect([req.proofofwork.difficulty, response.status]).toEqual(["00ffff", 200]);
  });
});

describe("turnstile and arkose", () => {
  test("with turnstile on, a conversation needs the token the emulated solver issues for this dx", async () => {
    await using emu = await startEmulator({ turnstile: true });
    const who = identity(emu.url);
    const req = await requirements(who);
    expect(req.turnstile.required).toBe(true);
    const without = await postConversation(who, sentinelHeaders(req), conversationBody("hi"));
    const again = await requirements(who);
    const solved = (await (await fetch(emu.turnstileSolverUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: "https://chatgpt.com", p: configToken("gAAAAAC"), dx: again.turnstile.dx, ua: "x" }) })).json()) as { t: string };
    const withToken = await postConversation(who, { ...sentinelHeaders(again), "openai-sentinel-turnstile-token": solved.t }, conversationBody("hi"));
    expect([without.status, withToken.status]).toEqual([403, 200]);
  });

  test("with arkose on, a conversation needs the emulated solver's token for this dx", async () => {
    await using emu = await startEmulator({ arkose: true });
    const who = identity(emu.url);
    const req = await requirements(who);
    const solverAnswer = await fetch(emu.arkoseSolverUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ blob: req.arkose.dx, method: "chat35" }) });
    const solved = (await solverAnswer.json()) as { token: string; solved: boolean };
    const wrong = await postConversation(who, { ...sentinelHeaders(req), "openai-sentinel-arkose-token": "nope" }, conversationBody("hi"));
    const again = await requirements(who);
    const stale = await postConversation(who, { ...sentinelHeaders(again), "openai-sentinel-arkose-token": solved.token }, conversationBody("hi"));
    const fresh = await requirements(who);
    const good = (await (await fetch(emu.arkoseSolverUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ blob: fresh.arkose.dx, method: "chat4" }) })).json()) as { token: string };
    const ok = await postConversation(who, { ...sentinelHeaders(fresh), "openai-sentinel-arkose-token": good.token }, conversationBody("hi"));
    expect([req.arkose.required, solved.solved, wrong.status, stale.status, ok.status]).toEqual([true, true, 403, 403, 200]);
  });
});

describe("authkey", () => {
  test("with authKey set, backend calls without the header are 401 and with it pass", async () => {
    await using emu = await startEmulator({ authKey: "gate" });
    const without = await fetch(`${emu.url}/backend-anon/models`);
    const withKey = await fetch(`${emu.url}/backend-anon/models`, { headers: { authkey: "gate" } });
    expect([without.status, withKey.status]).toEqual([401, 200]);
  });
});

describe("GET /", () => {
  test("serves HTML with a build manifest script and data-build, bearer or not", async () => {
    await using emu = await startEmulator();
    const account = emu.addAccount();
    const page = await fetch(`${emu.url}/`, { headers: { authorization: `Bearer ${account.accessToken}` } });
    const body = await page.text();
    expect([page.status, /<script src="https:\/\/cdn\.oaistatic\.com\/_next\/static\/chunks\/c\/[^/]+\/_buildManifest\.js"/.test(body), /<html[^>]* data-build="prod-/.test(body)]).toEqual([200, true, true]);
  });
});
