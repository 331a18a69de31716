/**
 * @module The management page in headless Chromium (Debian's `chromium` driven by playwright-core): enter the key,
 * add accounts by text and by file, see them masked with status and cooldowns, remove one. Skipped, saying so,
 * where /usr/bin/chromium does not exist (a failure under CI).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { createApp } from "../../src/app.ts";
import { silentLogger } from "../../src/logger.ts";
import { adminModule } from "../../src/modules/admin/index.ts";
import { createAdminService } from "../../src/modules/admin/service.ts";
import { tokensModule } from "../../src/modules/tokens/index.ts";
import { createSqliteStore } from "../../src/store/sqlite.ts";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { fakeJwt, fakeRefreshToken } from "./fixtures.ts";

requireChromium("admin page tests");

const ADMIN = "page-admin-key-42";
const jwt = fakeJwt({ expMs: 4_000_000_000_000, plan: "plus", tag: "page" });
const rt = fakeRefreshToken("pagefile");
const mask = (s: string) => `${s.slice(0, 6)}…${s.slice(-4)}`;

describe.skipIf(!hasChromium)("admin page in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "admin-page-"));
  const store = createSqliteStore({ path: join(dir, "pool.db") });
  const config = { adminKey: ADMIN, authorizationKeys: [] };
  const service = createAdminService({
    store,
    refresher: { refreshAccount: async () => ({ type: "skipped", reason: "test" }) },
    scheduler: { runNow: async () => ({ refreshed: 0, failed: 0, skipped: 0, failures: [] }) },
  });
  const app = createApp({ apiPrefix: "pfx", maxBodyBytes: 8 << 20, logger: silentLogger, version: "test", modules: [tokensModule({ service, config }), adminModule({ service, config })] });
  let browser: BrowserContext;
  let page: Page;
  let base = "";

  beforeAll(async () => {
    app.listen({ port: 0, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${app.server?.port}/pfx`;
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    page.on("dialog", (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await app.stop(true);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => page.locator("#accounts tr.account");

  test("without the key the page says the key is needed", async () => {
    await page.goto(`${base}/tokens`);
    await page.waitForFunction(() => document.getElementById("message")?.textContent?.includes("admin key"));
    expect(await page.locator("#message").textContent()).toBe("Management needs the admin key: send Authorization: Bearer <ADMIN_KEY>.");
  });

  test("with the key, an account added by text appears masked; a file of tokens adds more", async () => {
    await page.fill("#admin-key", ADMIN);
    await page.click("#save-key");
    await page.fill("#tokens", `# mine\n${jwt}\nnot-a-token`);
    await page.click("#add");
    await rows().first().waitFor();
    expect(await page.locator("#message").textContent()).toBe(
      "Added 1 · 1 line refused: 1 not a token: expected an access token (eyJ…, web or Codex), a refresh token (45 characters or rt_…), a session token (__Secure-next-auth.session-token: its value, or its .0|.1 chunks) or a share token (fk-…) (line 3)",
    );
    const file = join(dir, "tokens.txt");
    writeFileSync(file, `${rt}\n${jwt}\n`);
    await page.setInputFiles("#token-file", file);
    await page.waitForFunction(() => document.querySelectorAll("#accounts tr.account").length === 2);
    expect(await page.locator("#message").textContent()).toBe("Added 1 · 1 already in the pool");
    expect(await page.locator("#accounts .label").allTextContents()).toEqual([mask(jwt), mask(rt)]);
    expect(await page.locator("#accounts .status").allTextContents()).toEqual(["active", "active"]);
    const html = await page.content();
    expect([html.includes(jwt), html.includes(rt)]).toEqual([false, false]);
  });

  test("status, errors and cooldowns show; disable, revive a failed one, remove an account", async () => {
    const [first] = await store.listAccounts();
    if (!first) throw new Error("no account");
    await store.setCooldown({ subject: first.id, model: "gpt-4o", untilMs: Date.now() + 3_600_000, reason: "capped" });
    await page.click("#reload");
    await page.waitForFunction(() => document.querySelector("#accounts .cooldowns")?.textContent?.includes("gpt-4o"));
    const firstRow = page.locator(`#accounts tr[data-id="${first.id}"]`);
    await firstRow.getByRole("button", { name: "Disable" }).click();
    await page.waitForFunction((id) => document.querySelector(`#accounts tr[data-id="${id}"] .status`)?.textContent === "disabled", first.id);
    expect((await store.getAccount(first.id))?.status).toBe("disabled");
    const second = (await store.listAccounts())[1];
    if (!second) throw new Error("no second account");
    await store.updateAccount(second.id, { status: "failed", lastError: "refresh token rejected (invalid_grant)" });
    await page.click("#reload");
    const secondRow = page.locator(`#accounts tr[data-id="${second.id}"]`);
    await page.waitForFunction((id) => document.querySelector(`#accounts tr[data-id="${id}"] .status`)?.textContent === "failed", second.id);
    expect(await secondRow.textContent()).toContain("refresh token rejected (invalid_grant)");
    await secondRow.getByRole("button", { name: "Enable" }).click();
    await page.waitForFunction((id) => document.querySelector(`#accounts tr[data-id="${id}"] .status`)?.textContent === "active", second.id);
    await page.locator(`#accounts tr[data-id="${first.id}"]`).getByRole("button", { name: "Remove" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#accounts tr.account").length === 1);
    expect((await store.listAccounts()).map((a) => a.credential)).toEqual([rt]);
  });
});
