/** Device-code login (codex.md §1.4, §9 item 23): user code, 403 while pending, approval, exchange, expiry. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, postResponses } from "./test-client.ts";

const CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

interface UserCode {
  device_auth_id: string;
  user_code: string;
  usercode: string;
  interval: string;
}

async function start(url: string): Promise<UserCode> {
  return (await (await post(url, "/api/accounts/deviceauth/usercode", { client_id: CLIENT_ID })).json()) as UserCode;
}

function poll(url: string, code: UserCode): Promise<Response> {
  return post(url, "/api/accounts/deviceauth/token", { device_auth_id: code.device_auth_id, user_code: code.user_code });
}

describe("device-code login", () => {
  test("user code, pending polls 403, approval, then a code and verifier that exchange for working tokens", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ email: "dev@example.test" });
    const code = await start(emu.url);
    const pending = await poll(emu.url, code);
    const approved = emu.codex.approveDevice(code.user_code, "dev@example.test");
    const granted = await poll(emu.url, code);
    const grant = (await granted.json()) as { authorization_code: string; code_challenge: string; code_verifier: string };
    const exchange = await fetch(`${emu.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code: grant.authorization_code, redirect_uri: `${emu.url}/deviceauth/callback`, client_id: CLIENT_ID, code_verifier: grant.code_verifier }),
    });
    const tokens = (await exchange.json()) as { access_token: string; refresh_token: string };
    const backend = await postResponses(emu.url, { accessToken: tokens.access_token, accountId: account.accountId }, codexBody());
    await backend.arrayBuffer();
    const again = await poll(emu.url, code);
    expect([/^[A-Z]{4}-[A-Z]{4}$/.test(code.user_code), code.usercode, code.interval, pending.status, approved, granted.status, exchange.status, backend.status, again.status]).toEqual([
      true,
      code.user_code,
      "5",
      403,
      true,
      200,
      200,
      200,
      400,
    ]);
    expect(emu.codex.stats()).toMatchObject({ deviceUserCodes: 1, devicePolls: 3, authorizationCodeGrants: 1 });
  });

  test("the real issuer's callback URI is accepted as well; another redirect URI is not", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const exchangeWith = async (redirect: string) => {
      const code = await start(emu.url);
      emu.codex.approveDevice(code.user_code, account.id);
      const grant = (await (await poll(emu.url, code)).json()) as { authorization_code: string; code_verifier: string };
      const body = { grant_type: "authorization_code", code: grant.authorization_code, redirect_uri: redirect, client_id: CLIENT_ID, code_verifier: grant.code_verifier };
      return (await fetch(`${emu.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body) })).status;
    };
    expect([await exchangeWith("https://auth.openai.com/deviceauth/callback"), await exchangeWith("http://localhost:1455/auth/callback")]).toEqual([200, 400]);
  });

  test("the /codex/device page approves a code for an email", async () => {
    await using emu = await startEmulator();
    emu.addCodexAccount({ email: "page@example.test" });
    const code = await start(emu.url);
    const form = await fetch(`${emu.url}/codex/device`);
    const submit = await fetch(`${emu.url}/codex/device`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ user_code: code.user_code.toLowerCase(), email: "page@example.test" }) });
    expect([(await form.text()).includes("<form"), (await submit.text()).includes("Device approved"), (await poll(emu.url, code)).status]).toEqual([true, true, 200]);
  });

  test("a wrong client id is 400; a wrong user code 400; disabled device login 404; the interval is configurable", async () => {
    await using emu = await startEmulator();
    const wrongClient = await post(emu.url, "/api/accounts/deviceauth/usercode", { client_id: "app_other" });
    emu.codex.configure({ deviceIntervalSec: 1 });
    const code = await start(emu.url);
    const wrongCode = await post(emu.url, "/api/accounts/deviceauth/token", { device_auth_id: code.device_auth_id, user_code: "AAAA-AAAA" });
    emu.codex.configure({ deviceLogin: false });
    const disabled = await post(emu.url, "/api/accounts/deviceauth/usercode", { client_id: CLIENT_ID });
    expect([wrongClient.status, code.interval, wrongCode.status, disabled.status, emu.codex.approveDevice("ZZZZ-ZZZZ", "nobody")]).toEqual([400, "1", 400, 404, false]);
  });

  test("after 15 minutes on the emulator's clock the code has expired and cannot be approved", async () => {
    let now = Date.now();
    await using emu = await startEmulator({ now: () => now });
    const account = emu.addCodexAccount();
    const code = await start(emu.url);
    now += 15 * 60_000;
    const expired = await poll(emu.url, code);
    expect([expired.status, ((await expired.json()) as { error: { code: string } }).error.code, emu.codex.approveDevice(code.user_code, account.id)]).toEqual([400, "deviceauth_expired", false]);
  });
});
