import { expect, test } from "bun:test";
import { type ConsolePage, consolePage } from "./assets.ts";

const PAGES: ConsolePage[] = ["playground", "overview", "accounts", "keys", "requests"];

test.each(PAGES)("%s: the shared header marks this page current, the admin-key card is filled in, no placeholder is left", async (page) => {
  const html = await consolePage(page, "/pfx", "9.9.9")().text();
  expect(html).not.toMatch(/__[A-Z]+__|<!-- admin-key/);
  expect(html.match(/aria-current="page"/g)).toHaveLength(1);
  expect(html).toContain('<a href="/pfx/v1/models">Models</a>');
  // the playground alone needs no admin key
  expect(html.includes('id="admin-key"')).toBe(page !== "playground");
});
