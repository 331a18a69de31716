/** Who may call the Codex backend (codex.md §1.1, §2, §9 items 1, 2, 8): every refusal, and the log's redaction. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, codexHeaders, postResponses } from "./test-client.ts";

async function statusAndBody(response: Response): Promise<[number, unknown]> {
  return [response.status, await response.json()];
}

describe("bearer", () => {
  test("a missing, malformed or foreign bearer is 401 Unauthorized", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const web = emu.addAccount();
    const bearers = [undefined, "Bearer", "Bearer not-a-jwt", `Bearer ${web.accessToken}`, `Token ${account.accessToken}`];
    const answers = [];
    for (const bearer of bearers) {
      const headers = codexHeaders(account);
      if (bearer === undefined) delete headers.authorization;
      else headers.authorization = bearer;
      answers.push(await statusAndBody(await fetch(`${emu.url}/backend-api/codex/responses`, { method: "POST", headers, body: JSON.stringify(codexBody()) })));
    }
    expect(answers).toEqual(bearers.map(() => [401, { detail: "Unauthorized" }]));
  });

  test("a token of another OAuth client (the web app's) is refused even for a Codex account", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const webClientToken = emu.codex.issueAccessToken(account.id, { clientId: "app_X8zY6vW2pQ9tR3dE7nK1jL5gH" });
    const codexToken = emu.codex.issueAccessToken(account.id);
    const refused = await postResponses(emu.url, { ...account, accessToken: webClientToken }, codexBody());
    const accepted = await postResponses(emu.url, { ...account, accessToken: codexToken }, codexBody());
    await accepted.text();
    expect([await statusAndBody(refused), accepted.status]).toEqual([[401, { detail: "Unauthorized" }], 200]);
  });

  test("the access token is a JWT with the Codex client id and the auth claims", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "pro", email: "p@example.test" });
    const payload = JSON.parse(Buffer.from(account.accessToken.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    const idPayload = JSON.parse(Buffer.from(account.idToken.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
    const auth = payload["https://api.openai.com/auth"] as Record<string, unknown>;
    expect([payload.client_id, auth.chatgpt_account_id, auth.chatgpt_plan_type, typeof payload.exp, idPayload.email, account.refreshToken.length]).toEqual([
      "app_EMoamEEZ73f0CkXaXp7hrann",
      account.accountId,
      "pro",
      "number",
      "p@example.test",
      45,
    ]);
  });

  test("an expired token is 401, by its exp on the emulator's clock or by expireAccessTokens", async () => {
    let now = Date.now();
    await using emu = await startEmulator({ now: () => now });
    const account = emu.addCodexAccount({ accessTokenExpiresInSec: 60 });
    const first = await postResponses(emu.url, account, codexBody());
    await first.text();
    now += 61_000;
    const late = await postResponses(emu.url, account, codexBody());
    const fresh = emu.codex.issueAccessToken(account.id);
    emu.codex.expireAccessTokens(account.id);
    const expired = await postResponses(emu.url, { ...account, accessToken: fresh }, codexBody());
    expect([first.status, await statusAndBody(late), await statusAndBody(expired)]).toEqual([200, [401, { detail: "Unauthorized" }], [401, { detail: "Unauthorized" }]]);
  });

  test("a revoked grant answers 401 token_revoked; a deactivated account 401 account_deactivated", async () => {
    await using emu = await startEmulator();
    const revoked = emu.addCodexAccount();
    const banned = emu.addCodexAccount();
    emu.codex.revoke(revoked.id);
    emu.codex.deactivate(banned.id);
    const [a, b] = [await postResponses(emu.url, revoked, codexBody()), await postResponses(emu.url, banned, codexBody())];
    const bannedBody = (await b.json()) as { error: { code: string; message: string } };
    expect([await statusAndBody(a), b.status, bannedBody.error.code, bannedBody.error.message.includes("deactivated")]).toEqual([
      [401, { error: { message: "Encountered invalidated oauth token for user, failing request", type: null, code: "token_revoked", param: null }, status: 401 }],
      401,
      "account_deactivated",
      true,
    ]);
  });
});

describe("ChatGPT-Account-ID and identity headers", () => {
  test("missing is 401, another account's is 403, any letter case is accepted", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const other = emu.addCodexAccount();
    const missing = codexHeaders(account);
    delete missing["chatgpt-account-id"];
    const send = (headers: Record<string, string>) => fetch(`${emu.url}/backend-api/codex/responses`, { method: "POST", headers, body: JSON.stringify(codexBody()) });
    const noHeader = await send(missing);
    const wrong = await send(codexHeaders(account, { "chatgpt-account-id": other.accountId }));
    const { "chatgpt-account-id": id, ...rest } = codexHeaders(account);
    const mixedCase = await send({ ...rest, "ChatGPT-Account-Id": id ?? "" });
    await mixedCase.text();
    expect([noHeader.status, wrong.status, mixedCase.status]).toEqual([401, 403, 200]);
  });

  test("an originator that is not the User-Agent's product is 404; an unknown but consistent one is accepted", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const mismatch = await postResponses(emu.url, account, codexBody(), { originator: "codex_cli_rs", "user-agent": "codex-tui/0.160.0 (Linux; x86_64)" });
    const foreign = await postResponses(emu.url, account, codexBody(), { originator: "seri", "user-agent": "seri/0.1.0", version: "0.160.0" });
    await foreign.text();
    expect([await statusAndBody(mismatch), foreign.status]).toEqual([[404, { detail: "Not Found" }], 200]);
  });

  test("models and usage need the same bearer and account header", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const web = emu.addAccount();
    const answers = [];
    for (const path of ["/backend-api/codex/models?client_version=0.160.0", "/backend-api/wham/usage"]) {
      answers.push((await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${web.accessToken}`, "chatgpt-account-id": account.accountId } })).status);
      answers.push((await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${account.accessToken}` } })).status);
      answers.push((await fetch(`${emu.url}${path}`, { headers: codexHeaders(account) })).status);
    }
    expect(answers).toEqual([401, 401, 200, 401, 401, 200]);
  });

  test("the log names the Codex account instead of its bearer", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ id: "cx" });
    await (await postResponses(emu.url, account, codexBody())).text();
    const entry = emu.log.at(-1);
    expect([entry?.account, entry?.headers.authorization, entry?.model, JSON.stringify(emu.log).includes(account.accessToken)]).toEqual(["cx", "Bearer cx", "gpt-5.5", false]);
  });
});
