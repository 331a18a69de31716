/**
 * @module The client keys page in headless Chromium, under API_PREFIX, on a desktop and a 390 px viewport: without
 * the admin key it says so; with it, a key is created (its secret shown once), used from the `openai` SDK, its usage
 * appears on the page; a change of models is honoured (404 outside them); rotate gives a new secret and retires the
 * old; revoke makes it 401. Nothing wider than the viewport; only loopback requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { withinOneMinuteWindow } from "../support/minute-window.ts";
import { expectNoOverflow, nonLoopback, recordRequests, VIEWPORTS } from "./console-support.ts";
import { type Harness, startHarness } from "./harness.ts";

requireChromium("console keys tests");

const POOL_KEY = "sk-pool-console-keys-0123456789";
const ADMIN_KEY = "admin-console-keys-0123456789";
const PREFIX = "console-pfx";

async function statusOf(promise: Promise<unknown>): Promise<number | "ok"> {
  return promise.then(
    () => "ok" as const,
    (error: unknown) => {
      if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
      throw error;
    },
  );
}

describe.skipIf(!hasChromium)("console keys page in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-keys-"));
  const shots = process.env.CONSOLE_SCREENSHOTS ?? dir;
  let h: Harness;
  let browser: BrowserContext;
  let page: Page;
  let urls: string[] = [];
  let pageUrl = "";

  beforeAll(async () => {
    h = await startHarness({ env: { AUTHORIZATION: POOL_KEY, ADMIN_KEY, API_PREFIX: PREFIX } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const added = await h.fetch(`/${PREFIX}/admin/api/accounts`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ tokens: account.accessToken }),
    });
    expect(added.status).toBe(200);
    pageUrl = `${h.server.url}/${PREFIX}/console/keys`;
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    urls = recordRequests(page);
    page.on("dialog", (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (secret: string, model = "gpt-4o") => h.client(secret).chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] });

  /** Reloads the list until the card's text satisfies `ready` (usage is charged when a request's log row is written). */
  async function reloadUntil(card: Locator, ready: (text: string) => boolean): Promise<string> {
    for (let i = 0; i < 200; i++) {
      await page.click("#reload");
      await page.waitForFunction(() => document.getElementById("keys")?.childElementCount);
      const text = (await card.textContent()) ?? "";
      if (ready(text)) return text;
    }
    throw new Error(`the card never read as expected: ${await card.textContent()}`);
  }

  async function secretShown(): Promise<string> {
    await page.locator("#secret-value").waitFor();
    const secret = (await page.locator("#secret-value").textContent()) ?? "";
    await page.click("#dismiss-secret");
    return secret;
  }

  test("without the admin key the page says the key is needed", async () => {
    await page.goto(pageUrl);
    await page.waitForFunction(() => document.getElementById("message")?.textContent?.includes("admin key"));
    expect(await page.locator("#message").getAttribute("class")).toBe("error");
    expect(await page.locator("#keys .key").count()).toBe(0);
  });

  for (const viewport of VIEWPORTS) {
    test(`${viewport.name}: create a key, use it, see its usage; limit its models; rotate; revoke`, async () => {
      await page.setViewportSize(viewport);
      await page.goto(pageUrl);
      await page.fill("#admin-key", ADMIN_KEY);
      await page.click("#save-key");
      const name = `alice on ${viewport.name}`;
      await page.fill('#create-form [name="name"]', name);
      await page.fill('#create-form [name="requestsPerMinute"]', "100");
      await page.fill('#create-form [name="tokensPerDay"]', "1000000");
      await page.click("#create");
      const secret = await secretShown();
      expect(secret).toMatch(/^sk-c2a-[A-Za-z0-9_-]{43}$/);
      const card = page.locator("#keys .key").filter({ has: page.locator("h3", { hasText: name }) });
      await card.waitFor();
      expect(await card.locator(".status").textContent()).toBe("active");
      expect(await card.locator(".limits").textContent()).toBe("Requests / minute: 100 · Tokens / day: 1,000,000");
      expect(await page.content()).not.toContain(secret);

      const reply = await ask(secret);
      const total = reply.usage?.total_tokens ?? 0;
      expect(total).toBeGreaterThan(0);
      await reloadUntil(card, (text) => text.includes(`1 request · ${total.toLocaleString("en")} tokens`));
      expect(await card.locator(".usage-today").textContent()).toBe(`1 request · ${total.toLocaleString("en")} tokens`);
      await expectNoOverflow(page);
      await page.screenshot({ path: join(shots, `keys-${viewport.name}.png`), fullPage: true });

      await card.getByRole("button", { name: "Edit" }).click();
      await card.locator('form.edit [name="models"]').fill("gpt-4o, o3");
      await expectNoOverflow(page);
      await card.getByRole("button", { name: "Save" }).click();
      await page.waitForFunction((n) => [...document.querySelectorAll("#keys .key")].some((c) => c.querySelector("h3")?.textContent === n && c.querySelector(".models")?.textContent === "gpt-4o, o3"), name);
      expect(await statusOf(ask(secret, "gpt-4o-mini"))).toBe(404);

      await card.getByRole("button", { name: "Rotate" }).click();
      const rotated = await secretShown();
      expect(rotated).not.toBe(secret);
      expect(await statusOf(ask(secret))).toBe(401);
      expect(await statusOf(ask(rotated))).toBe("ok");

      await card.getByRole("button", { name: "Revoke" }).click();
      await page.waitForFunction((n) => [...document.querySelectorAll("#keys .key")].some((c) => c.querySelector("h3")?.textContent === n && c.querySelector(".status")?.textContent === "revoked"), name);
      expect(await statusOf(ask(rotated))).toBe(401);
      expect(await card.getByRole("button").count()).toBe(0);
      await expectNoOverflow(page);

      // a key made here with one request a minute: its second is OpenAI's 429 with the rate-limit headers
      await withinOneMinuteWindow();
      await page.fill('#create-form [name="name"]', `one a minute on ${viewport.name}`);
      await page.fill('#create-form [name="requestsPerMinute"]', "1");
      await page.click("#create");
      const tight = await secretShown();
      expect(await statusOf(ask(tight))).toBe("ok");
      const refused = await ask(tight).catch((error: unknown) => error);
      if (!(refused instanceof OpenAI.APIError)) throw new Error("expected the second request to be refused");
      expect([refused.status, refused.code, refused.headers?.get("x-ratelimit-limit-requests"), refused.headers?.get("x-ratelimit-remaining-requests")]).toEqual([
        429,
        "rate_limit_exceeded",
        "1",
        "0",
      ]);
      expect(Number(refused.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    });
  }

  test("the playground's link leads to / under the prefix", async () => {
    await page.click("nav >> text=Playground");
    await page.waitForURL(`${h.server.url}/${PREFIX}/`);
    await page.locator("#composer").waitFor();
    await expectNoOverflow(page);
  });

  test("the page asked only this machine for anything", () => {
    expect(urls.length).toBeGreaterThan(10);
    expect(nonLoopback(urls)).toEqual([]);
  });
});
