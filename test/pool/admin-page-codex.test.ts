/**
 * @module Codex sign-in on the account page in headless Chromium, against chat2api and the strict emulator: the
 * device-code flow (the page shows the code, polls, lists the account) and the browser flow with the pasted
 * redirect each end with a working Codex account; engines, quota windows and the quota rest show in the list; no
 * token, code or verifier reaches chat2api's log. Skipped, saying so, where /usr/bin/chromium does not exist (a failure under CI).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { ADMIN_KEY, type PoolHarness, startPoolHarness } from "./pool-harness.ts";
import { pasteCodexSignIn } from "../support/codex-pkce-page.ts";

requireChromium("admin page Codex sign-in tests");

describe.skipIf(!hasChromium)("Codex sign-in on the account page in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "admin-page-codex-"));
  let h: PoolHarness;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    h = await startPoolHarness();
    h.emulator.codex.configure({ deviceIntervalSec: 1 });
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    await page.goto(`${h.server.url}/admin`);
    await page.fill("#admin-key", ADMIN_KEY);
    await page.click("#save-key");
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "(0)");
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  const signedIn: string[] = [];
  const rows = () => page.locator("#accounts tr.account");
  const message = () => page.locator("#message").textContent();

  test("device code: the page shows the code and the verification address, polls, and lists the signed-in account; a Codex model then answers", async () => {
    const account = h.emulator.addCodexAccount({ plan: "plus" });
    signedIn.push(account.id);
    await page.click("#codex-device");
    await page.locator("#device-code").waitFor();
    const userCode = (await page.locator("#device-code").textContent()) ?? "";
    expect([/^[A-Z]{4}-[A-Z]{4}$/.test(userCode), await page.locator("#device-url").getAttribute("href")]).toEqual([true, `${h.emulator.url}/codex/device`]);
    // the page keeps polling while the user has not approved: nothing is listed yet
    expect(await rows().count()).toBe(0);
    expect(h.emulator.codex.approveDevice(userCode, account.id)).toBe(true);
    await rows().first().waitFor({ timeout: 15_000 });
    expect(await message()).toMatch(/^Signed in: \S+…\S+ \(plus\)$/);
    expect([await page.locator("#accounts .status").textContent(), await page.locator("#accounts .engines").textContent(), await page.locator("#codex-login").textContent()]).toEqual([
      "active",
      "codex: yes · web: ?",
      "",
    ]);
    const chat = await h.chat("gpt-5.5");
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content.length).toBeGreaterThan(0);
  }, 30_000);

  test("browser sign-in: the authorize link, the pasted redirect address, a clear error for a wrong paste, then a working account", async () => {
    const account = h.emulator.addCodexAccount({ plan: "pro" });
    signedIn.push(account.id);
    const forged = await pasteCodexSignIn(page, h.emulator.codex, account.id);
    expect(forged).toBe("Sign-in failed: This sign-in expired or was already finished (its state is unknown here); start again.");
    await page.waitForFunction(() => document.querySelectorAll("#accounts tr.account").length === 2);
    expect(await message()).toMatch(/^Signed in: \S+…\S+ \(pro\)$/);
    expect(await page.locator("#pkce-redirect").count()).toBe(0);
    const served = h.emulator.log.length;
    expect((await h.chat("gpt-5.5")).status).toBe(200);
    expect(h.emulator.log.slice(served).filter((e) => e.path === "/backend-api/codex/responses").map((e) => e.status)).toEqual([200]);
  }, 30_000);

  test("a device sign-in the auth host refuses ends in a plain message and nothing stored", async () => {
    h.emulator.codex.configure({ deviceLogin: false });
    try {
      await page.click("#codex-device");
      await page.waitForFunction(() => document.getElementById("message")?.className === "error");
      expect([await message(), await page.locator("#codex-login").textContent(), await rows().count()]).toEqual(["Could not start the sign-in: Device-code sign-in is not available: the auth host has device-code login switched off (404). Use the browser sign-in instead.", "", 2]);
    } finally {
      h.emulator.codex.configure({ deviceLogin: true });
    }
  });

  test("quota windows and the quota rest show per Codex account", async () => {
    for (const id of signedIn) h.emulator.codex.exhaust(id, 300);
    const chat = await h.chat("gpt-5.5");
    expect(chat.status).toBe(429);
    await page.click("#reload");
    await page.waitForFunction(() => [...document.querySelectorAll("#accounts .cooldowns")].every((td) => td.textContent?.includes("quota rest")));
    const quotas = await page.locator("#accounts .quota").allTextContents();
    const cooldowns = await page.locator("#accounts .cooldowns").allTextContents();
    expect(quotas.map((q) => /^5 h: 100% used, resets .+; weekly: \d+% used, resets .+$/.test(q))).toEqual([true, true]);
    expect(cooldowns.map((c) => c.startsWith("quota rest (codex:*) until "))).toEqual([true, true]);
  }, 30_000);

  test("no token, authorization code or verifier reaches chat2api's log", async () => {
    const stored = await h.server.runtime.store.listAccounts();
    const exchanged = h.emulator.log.filter((e) => e.path === "/oauth/token").map((e) => e.body as Record<string, string>);
    const secrets = [
      ...stored.flatMap((a) => [a.credential, a.accessToken, a.refreshToken]),
      ...exchanged.flatMap((b) => [b.code, b.code_verifier]),
    ].filter((s): s is string => typeof s === "string" && s.length > 0);
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(h.logs.some((line) => line.includes("codex account signed in"))).toBe(true);
    expect(secrets.filter((secret) => h.logs.some((line) => line.includes(secret)))).toEqual([]);
  });
});
