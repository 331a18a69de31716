/**
 * @module Codex sign-in through the management API of a running chat2api, against a fake auth host (AUTH_BASE_URL):
 * the device-code flow and the browser flow with the pasted redirect each end with a stored Codex account that then
 * refreshes with its own client; the routes are guarded; no token, code or verifier reaches a log line.
 */
import { expect, test } from "bun:test";
import type { AccountView } from "../../src/modules/admin/model.ts";
import { type Harness, startHarness } from "../e2e/harness.ts";
import { type FakeCodexOAuth, startFakeCodexOAuth } from "../support/fake-codex-oauth.ts";

const ADMIN = "codex-login-admin-key-0123";

async function harnessWith(auth: FakeCodexOAuth): Promise<Harness> {
  return startHarness({ env: { AUTH_BASE_URL: auth.url, ADMIN_KEY: ADMIN } });
}

async function admin(h: Harness, method: string, path: string, body?: unknown, key: string | null = ADMIN): Promise<{ status: number; body: any }> {
  const response = await h.fetch(`/admin/api${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

function expectNoSecrets(h: Harness, auth: FakeCodexOAuth): void {
  expect(auth.secrets.length).toBeGreaterThan(3);
  expect(h.logs.some((line) => line.includes("codex account signed in"))).toBe(true);
  expect(auth.secrets.filter((secret) => h.logs.some((line) => line.includes(secret)))).toEqual([]);
}

test("device code: start, pending until the user approves, then the account is stored and refreshes with the Codex client", async () => {
  await using auth = startFakeCodexOAuth({ deviceInterval: "1" });
  await using h = await harnessWith(auth);
  const start = await admin(h, "POST", "/codex/login/device");
  expect(start).toEqual({
    status: 200,
    body: { id: expect.any(String), userCode: expect.stringMatching(/^\S{4}-\S{4}$/), verificationUrl: `${auth.url}/codex/device`, intervalSec: 1, expiresAt: expect.any(Number) },
  });
  const first = await admin(h, "POST", `/codex/login/device/${start.body.id}`);
  expect(first.body).toEqual({ status: "pending", retryAfterSec: 1 });
  // polled at most once per interval however often the page asks
  expect(auth.counts.devicePolls).toBe(0);
  auth.approveDevice(start.body.userCode, { accountId: "acct-device-1", plan: "plus" });
  let poll = first;
  while (poll.body.status === "pending") {
    await Bun.sleep(50);
    poll = await admin(h, "POST", `/codex/login/device/${start.body.id}`);
  }
  expect(poll.body).toMatchObject({ status: "signed-in", renewed: false, account: { kind: "codex-refresh", oauthClient: "codex", chatgptAccountId: "acct-device-1", plan: "plus", hasCodex: true, status: "active" } });
  expect(auth.counts.devicePolls).toBe(1);
  // a later poll answers the same, without the host
  expect((await admin(h, "POST", `/codex/login/device/${start.body.id}`)).body.status).toBe("signed-in");
  const id = (poll.body.account as AccountView).id;
  expect((await admin(h, "POST", `/accounts/${id}/refresh`)).body).toEqual({ type: "refreshed" });
  expect(auth.counts).toMatchObject({ codeExchanges: 1, refreshes: 1, wrongClient: 0, reuses: 0 });
  expect((await admin(h, "POST", "/codex/login/device/unknown-id")).status).toBe(404);
  expectNoSecrets(h, auth);
}, 20_000);

test("browser sign-in: the pasted redirect address finishes it once; a second paste or a stranger's state is refused", async () => {
  await using auth = startFakeCodexOAuth();
  await using h = await harnessWith(auth);
  const start = await admin(h, "POST", "/codex/login/pkce");
  expect(start.body).toMatchObject({ redirectUri: "http://localhost:1455/auth/callback", state: expect.any(String) });
  const authorize = new URL(start.body.authorizeUrl);
  expect([authorize.origin + authorize.pathname, authorize.searchParams.get("state"), authorize.searchParams.get("code_challenge_method")]).toEqual([
    `${auth.url}/oauth/authorize`,
    start.body.state,
    "S256",
  ]);
  // the user signs in in a browser elsewhere; it lands on localhost:1455 and the user copies the address
  const redirected = (await fetch(start.body.authorizeUrl, { redirect: "manual" })).headers.get("location") ?? "";
  const done = await admin(h, "POST", "/codex/login/pkce/complete", { redirectUrl: redirected });
  expect(done).toMatchObject({ status: 200, body: { renewed: false, account: { kind: "codex-refresh", oauthClient: "codex", status: "active" } } });
  const again = await admin(h, "POST", "/codex/login/pkce/complete", { redirectUrl: redirected });
  expect([again.status, again.body.error.code]).toEqual([400, "sign_in_not_found"]);
  const forged = await admin(h, "POST", "/codex/login/pkce/complete", { redirectUrl: "http://localhost:1455/auth/callback?code=ac_x&state=not-ours" });
  expect([forged.status, forged.body.error.code]).toEqual([400, "sign_in_not_found"]);
  const refused = await admin(h, "POST", "/codex/login/pkce/complete", { redirectUrl: "http://localhost:1455/auth/callback?error=access_denied&error_description=missing_codex_entitlement&state=x" });
  expect([refused.status, refused.body.error.message]).toEqual([400, "The sign-in was refused: Codex is not enabled for this workspace."]);
  expect(auth.counts.codeExchanges).toBe(1);
  expect(((await admin(h, "GET", "/accounts")).body.data as AccountView[]).map((a) => a.kind)).toEqual(["codex-refresh"]);
  expectNoSecrets(h, auth);
}, 20_000);

test("the sign-in routes are guarded like the rest of the management API", async () => {
  await using auth = startFakeCodexOAuth();
  await using h = await harnessWith(auth);
  for (const [method, path] of [
    ["POST", "/codex/login/device"],
    ["POST", "/codex/login/device/x"],
    ["POST", "/codex/login/pkce"],
    ["POST", "/codex/login/pkce/complete"],
  ] as const) {
    const body = { redirectUrl: "http://localhost:1455/auth/callback?code=c&state=s" };
    expect([(await admin(h, method, path, body, null)).status, (await admin(h, method, path, body, "wrong-key")).status]).toEqual([401, 401]);
  }
  expect(auth.counts.devicePolls + auth.counts.codeExchanges).toBe(0);
  const spec = (await (await h.fetch("/swagger/json")).json()) as { paths: Record<string, Record<string, { tags?: string[]; description?: string }>> };
  const documented = Object.entries(spec.paths)
    .filter(([path]) => path.startsWith("/admin/api/codex/login"))
    .map(([path, methods]) => [path, methods.post?.tags, typeof methods.post?.description === "string"]);
  expect(documented).toEqual([
    ["/admin/api/codex/login/device", ["Codex sign-in"], true],
    ["/admin/api/codex/login/device/{id}", ["Codex sign-in"], true],
    ["/admin/api/codex/login/pkce", ["Codex sign-in"], true],
    ["/admin/api/codex/login/pkce/complete", ["Codex sign-in"], true],
  ]);
}, 20_000);
