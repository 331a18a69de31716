/**
 * @module A pool key with an empty pool goes to no-login mode (chat2api's rule); when ChatGPT refuses no-login, the
 * error says the pool is empty and how to add an account, and following that advice works. A caller without any
 * token gets a refusal that speaks of no-login mode, not of an access token it never sent (401 when ChatGPT says
 * 401, as chat2api's users know it; a block keeps the block's status).
 */
import { expect, test } from "bun:test";
import { webGenerationUnderTest } from "../support/web-generation.ts";
import { ADMIN_KEY, startPoolHarness } from "./pool-harness.ts";

/** ChatGPT turning no-login mode away at the handshake (every anonymous call, for as long as the test runs). */
const REFUSE_ANONYMOUS = { endpoint: "requirements", account: "anon", times: 20, kind: { type: "status", status: 403, detail: "Anonymous access is not available in your region." } } as const;

/** The handshake call that meets the refusal: the 2024 requirements call, or the first sentinel call of 2026. */
const REQUIREMENTS_STEP = webGenerationUnderTest() === "2026" ? "sentinel prepare" : "chat-requirements";

async function errorOf(response: Response): Promise<{ status: number; type: string; code: string; message: string }> {
  const { error } = (await response.json()) as { error: { type: string; code: string; message: string } };
  return { status: response.status, type: error.type, code: error.code, message: error.message };
}

test("empty pool, no-login refused: a 503 pool_empty saying how to add an account; POST /tokens/upload then serves it", async () => {
  await using h = await startPoolHarness();
  h.emulator.inject(REFUSE_ANONYMOUS);
  const refused = await errorOf(await h.chat("gpt-3.5-turbo"));
  expect(refused).toEqual({
    status: 503,
    type: "upstream_error",
    code: "pool_empty",
    message:
      `The account pool is empty, so this request was sent in ChatGPT's no-login mode, which ChatGPT refused (ChatGPT refused ${REQUIREMENTS_STEP} (HTTP 403): Anonymous access is not available in your region). ` +
      "Add an account: POST /tokens/upload with form field text (access or refresh tokens, one per line), or the /tokens page; both take the ADMIN_KEY (or a pool key when ADMIN_KEY is unset).",
  });
  expect(h.servedBy()).toEqual([]);

  // the advice, followed as written
  const account = h.emulator.addAccount();
  const form = new FormData();
  form.set("text", account.accessToken);
  const upload = await fetch(`${h.server.url}/tokens/upload`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: form });
  expect(upload.status).toBe(200);
  const served = await h.chat("gpt-3.5-turbo");
  expect(served.status).toBe(200);
  expect(h.servedBy()).toEqual([`${account.id}:200`]);
}, 30_000);

test("no keys configured, no-login refused (403): a no_login_refused that asks for an access token, with the block's status", async () => {
  await using h = await startPoolHarness({ AUTHORIZATION: "" });
  h.emulator.inject(REFUSE_ANONYMOUS);
  const refused = await errorOf(await h.chat("gpt-3.5-turbo", "anything"));
  expect(refused).toMatchObject({ status: 503, code: "no_login_refused" });
  expect(refused.message).toStartWith("ChatGPT refused its no-login mode (");
  expect(refused.message).toEndWith("Use a ChatGPT access token as the API key, or try again later.");
  expect(refused.message).not.toContain("your access token");
  expect(h.servedBy()).toEqual([]);
}, 30_000);
