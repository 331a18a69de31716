/**
 * @module Debian's Chromium driven by playwright-core for the page tests: where it lives, whether it is there, and
 * a launch with a fresh profile and nothing that reaches beyond 127.0.0.1 on its own.
 */
import { existsSync } from "node:fs";
import { test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/**
 * Where Chromium is missing: a failing test under CI (the page tests must run there), a line saying what was skipped
 * elsewhere. Call at the top of a test file.
 */
export function requireChromium(what: string): void {
  if (hasChromium) return;
  if (process.env.CI) {
    test(`Chromium is installed for the ${what}`, () => {
      throw new Error(`no Chromium at ${CHROMIUM}`);
    });
  } else {
    console.log(`${what} skipped: no Chromium at ${CHROMIUM}`);
  }
}

/** A persistent context on `profileDir` (playwright passes it as --user-data-dir) and its first page. */
export async function launchChromium(profileDir: string): Promise<{ browser: BrowserContext; page: Page }> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return { browser, page: browser.pages()[0] ?? (await browser.newPage()) };
}
