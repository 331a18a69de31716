/**
 * @module The console's accounts page in headless Chromium against chat2api and the strict emulator: an account
 * added by text shows as a card; a Codex account signed in by device code (code and address shown, polled) shows its
 * engines, and after a Codex chat its quota windows as bars with reset countdowns; disable and enable; on a desktop
 * and a 390 px viewport nothing is wider than the viewport; only loopback requests. `/tokens` keeps its own tests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { ADMIN_KEY, type PoolHarness, startPoolHarness } from "../pool/pool-harness.ts";
import { expectNoOverflow, nonLoopback, recordRequests, VIEWPORTS } from "./console-support.ts";
import { pasteCodexSignIn } from "../support/codex-pkce-page.ts";

requireChromium("console accounts tests");

describe.skipIf(!hasChromium)("console accounts page in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-accounts-"));
  const shots = process.env.CONSOLE_SCREENSHOTS ?? dir;
  let h: PoolHarness;
  let browser: BrowserContext;
  let page: Page;
  let urls: string[] = [];
  const codexIds: string[] = [];
  const cards = () => page.locator("#accounts .account");
  const message = () => page.locator("#message").textContent();

  beforeAll(async () => {
    h = await startPoolHarness();
    h.emulator.codex.configure({ deviceIntervalSec: 1 });
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    urls = recordRequests(page);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${h.server.url}/console/accounts`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  test("without the admin key the page says it is needed", async () => {
    await page.waitForFunction(() => document.getElementById("message")?.className === "error");
    expect(await message()).toMatch(/admin key/i);
  });

  test("an account added by text shows as a card: status, the web engine, no error", async () => {
    await page.fill("#admin-key", ADMIN_KEY);
    await page.click("#save-key");
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "(0)");
    const web = h.emulator.addAccount({ plan: "plus" });
    await page.fill("#tokens", `# one web account\n${web.accessToken}\n`);
    await page.click("#add");
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "(1)");
    expect(await message()).toBe("Added 1");
    const card = cards().first();
    expect([await card.locator(".status").textContent(), await card.locator(".engines").textContent(), await card.locator(".last-error").textContent()]).toEqual(["active", "web", "none"]);
    await card.getByRole("button", { name: "Disable" }).click();
    await page.waitForFunction(() => document.querySelector("#accounts .status")?.textContent === "disabled");
    await cards().first().getByRole("button", { name: "Enable" }).click();
    await page.waitForFunction(() => document.querySelector("#accounts .status")?.textContent === "active");
  });

  test("device code: the page shows the code and the address, polls, and shows the signed-in Codex account", async () => {
    const account = h.emulator.addCodexAccount({ plan: "plus" });
    codexIds.push(account.id);
    await page.click("#codex-device");
    await page.locator("#device-code").waitFor();
    const userCode = (await page.locator("#device-code").textContent()) ?? "";
    expect([/^[A-Z]{4}-[A-Z]{4}$/.test(userCode), await page.locator("#device-url").getAttribute("href")]).toEqual([true, `${h.emulator.url}/codex/device`]);
    expect(await cards().count()).toBe(1);
    expect(h.emulator.codex.approveDevice(userCode, account.id)).toBe(true);
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "(2)", undefined, { timeout: 15_000 });
    expect(await message()).toMatch(/^Signed in: \S+…\S+ \(plus\)$/);
    expect(await page.locator("#codex-login").textContent()).toBe("");
    const codexCard = cards().filter({ has: page.locator('[data-engine="codex"]') });
    expect(await codexCard.locator(".engines").textContent()).toBe("codexweb?");
    expect(await codexCard.locator('[data-engine="codex"]').getAttribute("class")).toBe("engine yes");
  }, 30_000);

  test("after a Codex chat its quota windows show as bars with reset countdowns", async () => {
    expect((await h.chat("gpt-5.5")).status).toBe(200);
    const codexCard = cards().filter({ has: page.locator('[data-engine="codex"]') });
    for (let i = 0; (await codexCard.locator(".quota").count()) < 2; i++) {
      if (i > 100) throw new Error("the quota windows never showed");
      await page.click("#reload");
      await page.waitForFunction(() => document.getElementById("count")?.textContent === "(2)");
    }
    const quotas = await codexCard.locator(".quota").allTextContents();
    expect(quotas.map((q) => /^(5 h|weekly)\d+% usedresets in \d+ (s|min|h|d)/.test(q.replace(/\s+/g, " ").trim()) || q)).toEqual([true, true]);
    const widths = await codexCard.locator(".quota .bar > span").evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.width));
    expect(widths.every((w) => /^\d+(\.\d+)?%$/.test(w))).toBe(true);
  }, 30_000);

  test("browser sign-in: the authorize link, a clear error for a wrong paste, then the pasted redirect stores the account", async () => {
    const account = h.emulator.addCodexAccount({ plan: "pro" });
    codexIds.push(account.id);
    await pasteCodexSignIn(page, h.emulator.codex, account.id);
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "(3)");
    expect(await message()).toMatch(/^Signed in: \S+…\S+ \(pro\)$/);
  }, 30_000);

  test("a spent quota shows as a cooldown in words with a countdown, and End cooldowns clears it", async () => {
    for (const id of codexIds) h.emulator.codex.exhaust(id, 300);
    expect((await h.chat("gpt-5.5")).status).toBe(429);
    await page.click("#reload");
    await page.waitForFunction(() => [...document.querySelectorAll("#accounts .cooldowns")].some((dd) => dd.textContent?.startsWith("quota window spent")));
    const resting = cards().filter({ hasText: "quota window spent" }).first();
    expect(await resting.locator(".cooldowns").textContent()).toMatch(/^quota window spent on every Codex model: rests \d+ (s|min|h|d)/);
    const spent = () => page.locator("#accounts .cooldowns", { hasText: "quota window spent" }).count();
    const before = await spent();
    await resting.getByRole("button", { name: "End cooldowns" }).click();
    await page.waitForFunction((n) => [...document.querySelectorAll("#accounts .cooldowns")].filter((dd) => dd.textContent?.startsWith("quota window spent")).length === n - 1, before);
  }, 30_000);

  test("tokens from a file are added; a line that is no token is summarised", async () => {
    const web = h.emulator.addAccount({ plan: "plus" });
    await page.setInputFiles("#token-file", { name: "tokens.txt", mimeType: "text/plain", buffer: Buffer.from(`${web.accessToken}\nnot a token\n`) });
    await page.waitForFunction(() => document.getElementById("count")?.textContent === "(4)");
    expect(await message()).toMatch(/^Added 1 · /);
  }, 30_000);

  for (const viewport of VIEWPORTS) {
    test(`${viewport.name}: cards and bars fit the viewport`, async () => {
      await page.setViewportSize(viewport);
      await page.click("#reload");
      await page.waitForFunction(() => document.querySelectorAll("#accounts .quota .bar").length >= 2);
      await page.screenshot({ path: join(shots, `accounts-${viewport.name}.png`), fullPage: true });
      await expectNoOverflow(page);
    });
  }

  test("the page asked only this machine for anything", () => {
    expect(urls.length).toBeGreaterThan(0);
    expect(nonLoopback(urls)).toEqual([]);
  });
});
