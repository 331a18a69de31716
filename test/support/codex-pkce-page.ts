/**
 * @module The browser sign-in of a Codex account as an account page offers it (the old `/tokens` page and the
 * console's accounts page share its element ids): open the authorize link, paste nothing, paste a forged address,
 * then sign in "elsewhere" in the emulator and paste the address the browser ended on.
 */
import { expect } from "bun:test";
import type { Page } from "playwright-core";

/** Runs the flow up to the last paste; answers the page's message for the forged paste. */
export async function pasteCodexSignIn(page: Page, codex: { signIn(accountId: string): void }, accountId: string): Promise<string | null> {
  const message = () => page.locator("#message").textContent();
  await page.click("#codex-pkce");
  const authorizeUrl = (await page.locator("#pkce-url").getAttribute("href")) ?? "";
  expect(new URL(authorizeUrl).pathname).toBe("/oauth/authorize");
  await page.click("#pkce-complete");
  expect(await message()).toBe("Paste the address the browser ended on first.");
  await page.fill("#pkce-redirect", "http://localhost:1455/auth/callback?code=ac_forged&state=not-ours");
  await page.click("#pkce-complete");
  await page.waitForFunction(() => document.getElementById("message")?.textContent?.startsWith("Sign-in failed: "));
  const forged = await message();
  // the user signs in in a browser elsewhere, which lands on localhost:1455; its address is pasted back
  codex.signIn(accountId);
  const redirect = (await fetch(authorizeUrl, { redirect: "manual" })).headers.get("location") ?? "";
  expect(redirect.startsWith("http://localhost:1455/auth/callback?code=")).toBe(true);
  await page.fill("#pkce-redirect", redirect);
  await page.click("#pkce-complete");
  return forged;
}
