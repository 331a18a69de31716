/**
 * @module What the console's Chromium tests share: the two viewports, the overflow check (nothing wider than the
 * viewport), a recorder of the URLs a page asks for, and screenshots into a temporary directory.
 */
import { expect } from "bun:test";
import type { Page } from "playwright-core";

export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Every element that sticks out of the viewport sideways, and the document if it scrolls sideways; [] when none. */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > width) found.push(`document scrolls: ${root.scrollWidth} > ${width}`);
    for (const element of document.querySelectorAll("body *")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      // what scrolls inside its own box (a code block) is judged by that box
      if (element.parentElement?.closest("pre")) continue;
      if (box.left < -0.5 || box.right > width + 0.5) found.push(`${element.tagName.toLowerCase()}#${element.id}.${element.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    return found;
  });
}

export async function expectNoOverflow(page: Page): Promise<void> {
  expect(await overflowing(page)).toEqual([]);
}

/** The URLs the page requests from now on. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  return urls;
}

/** Those of `urls` that leave this machine (anything but 127.0.0.1 / localhost, data: and blob:). */
export function nonLoopback(urls: readonly string[]): string[] {
  return urls.filter((url) => !/^(data:|blob:|https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/)/.test(url));
}
