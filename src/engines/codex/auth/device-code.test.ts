/** @module Device-code sign-in against a fake auth host: the code, "pending" until approved, the exchange, expiry. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { type FakeCodexOAuth, startFakeCodexOAuth } from "../../../../test/support/fake-codex-oauth.ts";
import { readCodexClaims } from "./codex-claims.ts";
import { completeDeviceLogin, type DeviceLogin, pollDeviceLogin, startDeviceLogin, waitForDeviceLogin } from "./device-code.ts";

let auth: FakeCodexOAuth;
beforeEach(() => {
  auth = startFakeCodexOAuth({ deviceInterval: "7" });
});
afterEach(() => auth.stop());

async function started(now = () => 1_000): Promise<DeviceLogin> {
  const start = await startDeviceLogin({ authBaseUrl: auth.url, now });
  if (start.type !== "started") throw new Error(`expected a login, got ${start.type}`);
  return start.login;
}

test("start shows a user code and the verification URL; the string interval is read as seconds; codes live 15 minutes", async () => {
  const login = await started();
  expect(login).toEqual({
    deviceAuthId: expect.stringMatching(/^da_/),
    userCode: expect.stringMatching(/^[A-Z0-9_-]{4}-[A-Z0-9_-]{4}$/),
    verificationUrl: `${auth.url}/codex/device`,
    intervalSec: 7,
    expiresAtMs: 1_000 + 15 * 60_000,
  });
});

test("a poll is pending (403) until the user approves; then the host's code and verifier give the account's tokens", async () => {
  const login = await started();
  expect(await pollDeviceLogin(login, { authBaseUrl: auth.url })).toEqual({ type: "pending" });
  auth.approveDevice(login.userCode, { accountId: "acct-device", plan: "team" });
  const approved = await pollDeviceLogin(login, { authBaseUrl: auth.url });
  if (approved.type !== "approved") throw new Error(`expected approval, got ${approved.type}`);
  const result = await completeDeviceLogin(approved, { authBaseUrl: auth.url });
  if (result.type !== "ok") throw new Error(`expected tokens, got ${JSON.stringify(result)}`);
  expect(readCodexClaims(result.tokens.accessToken)).toMatchObject({ chatgptAccountId: "acct-device", planType: "team" });
  // the host forgets an approved login: polling again is "pending" (404), never a second code
  expect(await pollDeviceLogin(login, { authBaseUrl: auth.url })).toEqual({ type: "pending" });
});

test("waiting sleeps the interval between polls and ends when the user approves", async () => {
  const login = await started();
  const sleeps: number[] = [];
  const result = await waitForDeviceLogin(login, {
    authBaseUrl: auth.url,
    now: () => 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (sleeps.length === 3) auth.approveDevice(login.userCode);
    },
  });
  expect({ type: result.type, sleeps, polls: auth.counts.devicePolls }).toEqual({ type: "approved", sleeps: [7_000, 7_000, 7_000], polls: 3 });
});

test("waiting ends as expired once the code's 15 minutes are over, and as aborted when asked", async () => {
  const login = await started();
  let clock = 1_000;
  const expired = await waitForDeviceLogin(login, { authBaseUrl: auth.url, now: () => clock, sleep: async (ms) => void (clock += ms) });
  expect(expired).toEqual({ type: "expired" });
  expect(auth.counts.devicePolls).toBe(Math.ceil((15 * 60_000) / 7_000));
  const controller = new AbortController();
  controller.abort();
  expect(await waitForDeviceLogin(login, { authBaseUrl: auth.url, signal: controller.signal })).toEqual({ type: "aborted" });
});

test("a host without device login (404) says so; an unreachable one is unavailable", async () => {
  const none = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("not found", { status: 404 }) });
  try {
    expect((await startDeviceLogin({ authBaseUrl: `http://127.0.0.1:${none.port}` })).type).toBe("disabled");
  } finally {
    await none.stop(true);
  }
  expect((await startDeviceLogin({ authBaseUrl: `http://127.0.0.1:${none.port}` })).type).toBe("unavailable");
});
