/**
 * @module The console's overview in headless Chromium on a desktop and a 390 px viewport: chats made before it
 * (web and Codex, one failing) show in its totals, per engine and per model, its charts draw (uPlot, served by chat2api), accounts
 * by state and the soonest quota reset show; the range switches. Also GET /admin/api/stats itself: admin key
 * required, buckets cover the range. Nothing wider than the viewport; only loopback requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { ADMIN_KEY, type PoolHarness, startPoolHarness } from "../pool/pool-harness.ts";
import { expectNoOverflow, nonLoopback, recordRequests, VIEWPORTS } from "./console-support.ts";

requireChromium("console overview tests");

interface StatsBody {
  totals: { requests: number; errors: number };
  buckets: { start: number; requests: number }[];
  bucketMs: number;
  engines: { engine: string | null; requests: number }[];
}

describe.skipIf(!hasChromium)("console overview in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-overview-"));
  const shots = process.env.CONSOLE_SCREENSHOTS ?? dir;
  let h: PoolHarness;
  let browser: BrowserContext;
  let page: Page;
  let urls: string[] = [];

  beforeAll(async () => {
    h = await startPoolHarness();
    const web = h.emulator.addAccount({ plan: "plus" });
    const codex = h.emulator.addCodexAccount({ plan: "plus" });
    expect((await h.admin("POST", "/accounts", { tokens: `${web.accessToken}\n${codex.accessToken}` })).status).toBe(200);
    // the Codex account's engine is learnt in the background after it is added
    for (let i = 0; ; i++) {
      const { data } = (await (await h.admin("GET", "/accounts")).json()) as { data: { hasCodex: boolean | null }[] };
      if (data.some((a) => a.hasCodex === true)) break;
      if (i > 200) throw new Error("the Codex account's engine was never learnt");
      await Bun.sleep(20);
    }
    // a Codex chat and three web chats that answer, and one for a model nobody serves
    const codexChat = await h.chat("gpt-5.5");
    expect([codexChat.status, codexChat.status === 200 ? "" : await codexChat.text()]).toEqual([200, ""]);
    for (let i = 0; i < 3; i++) expect((await h.chat("gpt-4o")).status).toBe(200);
    expect((await h.chat("no-such-model-xyz")).status).toBe(404);
    // the log is written behind the requests: wait until the API counts all five
    for (let i = 0; ; i++) {
      const stats = (await (await h.admin("GET", "/stats?range=1h")).json()) as StatsBody;
      if (stats.totals.requests === 5) break;
      if (i > 200) throw new Error(`the request log never held the four chats: ${JSON.stringify(stats.totals)}`);
      await Bun.sleep(20);
    }
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    urls = recordRequests(page);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the stats API needs the admin key and covers the range in buckets", async () => {
    const anonymous = await fetch(`${h.server.url}/admin/api/stats`);
    expect(anonymous.status).toBe(401);
    const response = await h.admin("GET", "/stats?range=7d");
    expect(response.status).toBe(200);
    const stats = (await response.json()) as StatsBody;
    expect([stats.buckets.length, stats.bucketMs, stats.totals]).toEqual([28, 6 * 3600_000, expect.objectContaining({ requests: 5, errors: 1 })]);
    // a model nobody serves is tried on the web engine (the default), so all four count there
    expect(stats.engines.map((e) => [e.engine, e.requests])).toEqual([
      ["web", 4],
      ["codex", 1],
    ]);
    expect((await h.admin("GET", "/stats?range=2d")).status).toBe(400);
    const spec = (await (await fetch(`${h.server.url}/swagger/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain("/admin/api/stats");
  });

  for (const viewport of VIEWPORTS) {
    test(`${viewport.name}: the requests made before show in totals, per engine and per model; charts draw; accounts by state`, async () => {
      await page.setViewportSize(viewport);
      await page.goto(`${h.server.url}/console`);
      await page.fill("#admin-key", ADMIN_KEY);
      await page.click("#save-key");
      await page.click('[data-range="1h"]');
      await page.waitForFunction(() => document.body.dataset.loaded === "1h");
      const tile = (name: string) => page.locator(`[data-tile="${name}"] strong`).first().textContent();
      expect([await tile("Requests"), await tile("Errors")]).toEqual(["5", "1"]);
      expect(await page.locator('#engines [data-engine="web"]').textContent()).toContain("4 requests · 1 error");
      expect(await page.locator('#engines [data-engine="codex"]').textContent()).toContain("1 request ·");
      expect(await page.locator('#models [data-model="gpt-5.5"]').textContent()).toContain("codex");
      expect(await page.locator('#models [data-model="gpt-4o"]').textContent()).toContain("3 requests");
      expect(await page.locator('#models [data-model="no-such-model-xyz"]').textContent()).toContain("1 request · 1 error");
      expect(await page.locator("#chart-requests canvas").count()).toBe(1);
      expect(await page.locator("#chart-tokens canvas").count()).toBe(1);
      const accountTile = (name: string) => page.locator(`#accounts [data-tile="${name}"] strong`).textContent();
      const { accounts } = (await (await h.admin("GET", "/stats?range=1h")).json()) as { accounts: Record<string, number> };
      expect(accounts.total).toBe(2);
      const tiles = { Active: "active", "Cooling down": "coolingDown", Disabled: "disabled", Failed: "failed", "Web engine": "web", "Codex engine": "codex" };
      for (const [tile, field] of Object.entries(tiles)) expect([tile, await accountTile(tile)]).toEqual([tile, String(accounts[field])]);
      expect([accounts.web, accounts.codex]).toEqual([1, 1]);
      // the Codex chat reported its quota windows: the soonest reset counts down
      expect(await page.locator("#resets .countdown").count()).toBeGreaterThan(0);
      await page.click('[data-range="7d"]');
      await page.waitForFunction(() => document.body.dataset.loaded === "7d");
      expect(await tile("Requests")).toBe("5");
      await page.screenshot({ path: join(shots, `overview-${viewport.name}.png`), fullPage: true });
      await expectNoOverflow(page);
    }, 30_000);
  }

  test("the page asked only this machine for anything", () => {
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.some((url) => url.endsWith("/console/assets/uplot.js"))).toBe(true);
    expect(nonLoopback(urls)).toEqual([]);
  });
});
