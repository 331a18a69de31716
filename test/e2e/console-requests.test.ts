/**
 * @module The requests page in headless Chromium, under API_PREFIX, on a desktop and a 390 px viewport: with the
 * admin key it lists the log; filtered to the request that failed on every account (502) it shows one row whose
 * attempts read as each account's failure; a client key's filter shows its request under the key's name; a 429
 * then success reads as two attempts; the CSV downloads with the filtered rows. Nothing wider than the viewport;
 * only loopback requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { expectNoOverflow, nonLoopback, recordRequests, VIEWPORTS } from "./console-support.ts";
import { type Harness, post, startHarness } from "./harness.ts";

requireChromium("console requests tests");

const POOL_KEY = "sk-pool-console-requests-0123456789";
const ADMIN_KEY = "admin-console-requests-0123456789";
const PREFIX = "requests-pfx";

describe.skipIf(!hasChromium)("console requests page in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-requests-"));
  const shots = process.env.CONSOLE_SCREENSHOTS ?? dir;
  let h: Harness;
  let browser: BrowserContext;
  let page: Page;
  let urls: string[] = [];
  let pageUrl = "";
  const ids = { failed: "", failover: "", keyed: "" };

  const admin = (path: string, init: RequestInit = {}) =>
    h.fetch(`/${PREFIX}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json", ...init.headers } });

  async function chat(bearer: string): Promise<{ status: number; requestId: string }> {
    const response = await h.fetch(`/${PREFIX}/v1/chat/completions`, post({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }, bearer));
    await response.arrayBuffer();
    return { status: response.status, requestId: response.headers.get("x-request-id") ?? "" };
  }

  beforeAll(async () => {
    h = await startHarness({ env: { AUTHORIZATION: POOL_KEY, ADMIN_KEY, API_PREFIX: PREFIX } });
    const tokens = [h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" })].map((a) => a.accessToken).join("\n");
    expect((await admin("/accounts", { method: "POST", body: JSON.stringify({ tokens }) })).status).toBe(200);
    const created = (await (await admin("/keys", { method: "POST", body: JSON.stringify({ name: "bob" }) })).json()) as { secret: string };
    const keyed = await chat(created.secret);
    expect(keyed.status).toBe(200);
    h.emulator.inject({ endpoint: "conversation", kind: { type: "status", status: 502 }, times: 10 });
    const failed = await chat(POOL_KEY);
    expect(failed.status).toBe(502);
    h.emulator.clearFaults();
    h.emulator.inject({ endpoint: "conversation", kind: { type: "cap", clearsInSec: 3600 } });
    const failover = await chat(POOL_KEY);
    expect(failover.status).toBe(200);
    Object.assign(ids, { failed: failed.requestId, failover: failover.requestId, keyed: keyed.requestId });
    pageUrl = `${h.server.url}/${PREFIX}/console/requests`;
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    urls = recordRequests(page);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  const row = (requestId: string) => page.locator(`tr.request[data-request-id="${requestId}"]`);
  const shownIds = () => page.$$eval("tr.request", (rows) => rows.map((r) => (r as HTMLElement).dataset.requestId));

  /** Applies the filter form and waits until the table shows exactly `expected` (newest first). */
  async function applyUntil(expected: string[]): Promise<void> {
    await page.click("#apply");
    await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll("tr.request")].map((r) => (r as HTMLElement).dataset.requestId)) === JSON.stringify(want), expected);
  }

  test("without the admin key the page says the key is needed", async () => {
    await page.goto(pageUrl);
    await page.waitForFunction(() => document.getElementById("message")?.textContent?.includes("admin key"));
    expect(await page.locator("tr.request").count()).toBe(0);
  });

  for (const viewport of VIEWPORTS) {
    test(`${viewport.name}: filter to the failed request and read its attempts; a key's request; the CSV`, async () => {
      await page.setViewportSize(viewport);
      await page.goto(pageUrl);
      await page.fill("#admin-key", ADMIN_KEY);
      await page.click("#save-key");
      await row(ids.keyed).waitFor();
      expect(await shownIds()).toEqual([ids.failover, ids.failed, ids.keyed]);
      await expectNoOverflow(page);

      await page.selectOption('#filters [name="status"]', "502");
      await applyUntil([ids.failed]);
      const failed = row(ids.failed);
      expect(await failed.locator("td.status").textContent()).toContain("502");
      await failed.locator("button.toggle").click();
      const attempts = page.locator("tr.detail:not([hidden]) li.attempt");
      expect(await attempts.count()).toBe(2);
      for (const text of await attempts.allTextContents()) expect(text).toMatch(/^#\d .+….{4}: server-error · HTTP 502/);
      expect(await page.locator("tr.detail:not([hidden]) .ids").textContent()).toContain(ids.failed);
      await expectNoOverflow(page);
      await page.screenshot({ path: join(shots, `requests-${viewport.name}.png`), fullPage: true });

      const download = page.waitForEvent("download");
      await page.click("#csv");
      const csv = readFileSync((await (await download).path()) ?? "", "utf8").trimEnd().split("\r\n");
      expect(csv).toHaveLength(2);
      expect(csv[1]).toContain(ids.failed);

      await page.selectOption('#filters [name="status"]', "");
      await page.selectOption('#filters [name="key"]', { label: "bob" });
      await applyUntil([ids.keyed]);
      expect(await row(ids.keyed).locator("td.key").textContent()).toBe("bob");

      await page.click("#clear");
      await page.waitForFunction(() => document.querySelectorAll("tr.request").length === 3);
      await row(ids.failover).locator("button.toggle").click();
      const failover = (await page.locator("tr.detail:not([hidden]) li.attempt").allTextContents()).map((t) => t.replace(/^#\d .+?: /, ""));
      expect(failover.map((t) => t.replace(/ \d+(\.\d+)? m?s$/, ""))).toEqual(["capped · HTTP 429", "success · HTTP 200"]);
      await expectNoOverflow(page);
    });
  }

  test("the page asked for nothing beyond this machine", () => {
    expect(urls.length).toBeGreaterThan(0);
    expect(nonLoopback(urls)).toEqual([]);
  });
});
