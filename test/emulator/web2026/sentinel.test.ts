/** The two-phase 2026 sentinel: prepare's shape and `p` rules, finalize's FNV check, single use, binding, expiry, Turnstile. */
import { describe, expect, test } from "bun:test";
import { config25, errorOf, post, prepareSentinel, requirementsToken, sentinelBundle, solveFnv, solveSha3Only, solveTurnstile, start2026 } from "./client.ts";

describe("sentinel prepare", () => {
  test("answers persona, a prepare token, an easy FNV challenge, turnstile, so and arkose", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    expect(prepared).toEqual({
      persona: "chatgpt-paid",
      prepare_token: expect.stringMatching(/^gAAAAAB/),
      proofofwork: { required: true, seed: expect.stringMatching(/^0\.\d{16}$/), difficulty: "0fffff" },
      turnstile: { required: false, dx: null },
      so: { required: false, collector_dx: expect.any(String), snapshot_dx: expect.any(String) },
      arkose: { required: false, dx: null },
    });
  });

  test.each([
    ["null", null, 200],
    ["25 slots", requirementsToken(config25("d")), 200],
    ["25 slots with ~S", requirementsToken(config25("d"), "~S"), 200],
    ["18 slots", requirementsToken(config25("d").slice(0, 18)), 200],
    ["10 slots", requirementsToken(config25("d").slice(0, 10)), 400],
    ["malformed base64", "gAAAAAC!!!", 400],
    ["a proof prefix", requirementsToken(config25("d")).replace("gAAAAAC", "gAAAAAB"), 400],
  ])("p = %s → %i", async (_, p, status) => {
    const { emu, who } = await start2026();
    await using _emu = emu;
    const response = await post(who, "/sentinel/chat-requirements/prepare", { p });
    expect(response.status).toBe(status);
  });

  test("a pow-difficulty fault on requirements changes the next prepare, not the finalize in between", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const first = await prepareSentinel(who);
    emu.inject({ endpoint: "requirements", kind: { type: "pow-difficulty", difficulty: "00ffff" } });
    const seed = first.proofofwork.seed ?? "";
    const finalize = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: first.prepare_token, proofofwork: solveFnv(seed, "0fffff", config25(who.deviceId)) });
    const second = await prepareSentinel(who);
    expect([finalize.status, second.proofofwork.difficulty]).toEqual([200, "00ffff"]);
  });

  test("a status fault on requirements answers the next prepare or finalize", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    emu.inject({ endpoint: "requirements", kind: { type: "status", status: 503, detail: "busy" } });
    const finalize = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token });
    expect(await errorOf(finalize)).toEqual({ status: 503, body: { detail: "busy" } });
  });
});

describe("sentinel finalize", () => {
  test("a correct FNV proof gets a write token with expire_after 540 and expire_at, and counts as verified", async () => {
    const clock = 1_800_000_000_000;
    const { emu, who } = await start2026({ now: () => clock });
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    const proof = solveFnv(prepared.proofofwork.seed ?? "", "0fffff", config25(who.deviceId));
    const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token, proofofwork: proof, turnstile: "" });
    expect([response.status, await response.json()]).toEqual([200, { persona: "chatgpt-paid", token: expect.any(String), expire_after: 540, expire_at: 1_800_000_540, so_token: expect.any(String) }]);
    expect([emu.stats().powVerified, emu.stats().powRejected, emu.log.at(-1)?.powVerified]).toEqual([1, 0, true]);
  });

  test("a SHA3-512 answer is refused (403) and counted as rejected", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    const proof = solveSha3Only(prepared.proofofwork.seed ?? "", "0fffff", config25(who.deviceId));
    const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token, proofofwork: proof });
    expect(await errorOf(response)).toEqual({ status: 403, body: { detail: "proof of work uses SHA3-512; this server wants FNV-1a" } });
    expect([emu.stats().powVerified, emu.stats().powRejected]).toEqual([0, 1]);
  });

  test("with acceptSha3InFnvMode the same kind of SHA3 answer passes", async () => {
    const { emu, who } = await start2026({ acceptSha3InFnvMode: true });
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    const proof = solveSha3Only(prepared.proofofwork.seed ?? "", "0fffff", config25(who.deviceId));
    const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token, proofofwork: proof });
    expect(response.status).toBe(200);
  });

  test.each([
    ["no proof", undefined, 'Missing "proofofwork"'],
    ["the give-up token", "gAAAAABwQ8Lk5FbGpA2NcR9dShT6gYjU7VxZ4DImUi~S", "proof of work was not solved"],
  ])("%s is refused", async (_, proof, detail) => {
    const { emu, who } = await start2026();
    await using _emu = emu;
    const prepared = await prepareSentinel(who);
    const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token, ...(proof ? { proofofwork: proof } : {}) });
    expect(await errorOf(response)).toEqual({ status: 403, body: { detail } });
  });

  test("a prepare token finalizes once: the second finalize is 403", async () => {
    const { emu, who } = await start2026({ requirePow: false });
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    const first = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token });
    const second = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token });
    expect([first.status, await errorOf(second)]).toEqual([200, { status: 403, body: { detail: "Prepare token was already used" } }]);
  });

  test("a prepare token is bound to its device and account", async () => {
    const { emu, who } = await start2026({ requirePow: false });
    await using _ = emu;
    const bob = emu.addAccount({ id: "bob" });
    const [forDevice, forAccount] = [await prepareSentinel(who), await prepareSentinel(who)];
    const otherDevice = await post({ ...who, headers: { ...who.headers, "oai-device-id": crypto.randomUUID() } }, "/sentinel/chat-requirements/finalize", { prepare_token: forDevice.prepare_token });
    const otherAccount = await post({ ...who, headers: { ...who.headers, authorization: `Bearer ${bob.accessToken}` } }, "/sentinel/chat-requirements/finalize", { prepare_token: forAccount.prepare_token });
    const refused = { status: 403, body: { detail: "Prepare token was issued to another account or device" } };
    expect([await errorOf(otherDevice), await errorOf(otherAccount)]).toEqual([refused, refused]);
  });

  test("a prepare token expires after 540 s of the emulator's clock", async () => {
    let clock = 1_800_000_000_000;
    const { emu, who } = await start2026({ requirePow: false, now: () => clock });
    await using _ = emu;
    const prepared = await prepareSentinel(who);
    clock += 540_000;
    const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token });
    expect(await errorOf(response)).toEqual({ status: 403, body: { detail: "Prepare token has expired" } });
  });

  test("with turnstile on, finalize needs the solver's answer for this prepare's dx", async () => {
    const { emu, who } = await start2026({ requirePow: false, turnstile: true });
    await using _ = emu;
    const [a, b] = [await prepareSentinel(who), await prepareSentinel(who)];
    const missing = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: a.prepare_token });
    const foreign = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: b.prepare_token, turnstile: await solveTurnstile(emu.url, a) });
    const c = await prepareSentinel(who);
    const solved = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: c.prepare_token, turnstile: await solveTurnstile(emu.url, c) });
    const refused = { status: 403, body: { detail: "Turnstile token missing or invalid" } };
    expect([c.turnstile.required, await errorOf(missing), await errorOf(foreign), solved.status]).toEqual([true, refused, refused, 200]);
  });

  test("a bundle from the test client works end to end (prepare, FNV, finalize)", async () => {
    const { emu, who } = await start2026();
    await using _ = emu;
    const bundle = await sentinelBundle(who);
    expect(bundle).toEqual({ token: expect.any(String), proof: expect.stringMatching(/^gAAAAAB.*~S$/) });
  });
});
