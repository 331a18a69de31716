/**
 * @module The playground at `/` in headless Chromium against chat2api and the strict emulator, on a desktop and a
 * 390 px viewport: a streamed reply rendered as Markdown, reasoning folded, an image sent (it reaches the upstream as
 * an uploaded pointer; pasted and dropped ones are attached) and one received, a tool call shown, stop while streaming, regenerate; nothing wider than the viewport;
 * conversations kept across a reload; only loopback requests. Screenshots go to a temporary directory.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { makePng } from "../emulator/png.ts";
import { hasChromium, launchChromium, requireChromium } from "../support/headless-chromium.ts";
import { expectNoOverflow, nonLoopback, recordRequests, VIEWPORTS } from "./console-support.ts";
import { type Harness, startHarness } from "./harness.ts";

requireChromium("console playground tests");

const POOL_KEY = "sk-pool-console-0123456789";
const ADMIN_KEY = "admin-console-0123456789";
const weather = [{ type: "function", function: { name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];

describe.skipIf(!hasChromium)("console playground in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-playground-"));
  let h: Harness;
  let browser: BrowserContext;
  let page: Page;
  let urls: string[] = [];
  // CONSOLE_SCREENSHOTS=<dir> keeps them; otherwise they go with the temporary directory
  const shots = process.env.CONSOLE_SCREENSHOTS ?? dir;
  const bodies: unknown[] = [];

  beforeAll(async () => {
    h = await startHarness({ env: { AUTHORIZATION: POOL_KEY, ADMIN_KEY } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const added = await h.fetch("/admin/api/accounts", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ tokens: account.accessToken }),
    });
    expect(added.status).toBe(200);
    ({ browser, page } = await launchChromium(join(dir, "profile")));
    urls = recordRequests(page);
    page.on("request", (request) => {
      if (request.url().endsWith("/v1/chat/completions")) bodies.push(request.postDataJSON());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.[Symbol.asyncDispose]();
    rmSync(dir, { recursive: true, force: true });
  });

  const assistant = () => page.locator("#messages .message.assistant");
  const lastBody = () => bodies.at(-1) as { model: string; stream: boolean; messages: Array<{ role: string; content: unknown }>; tools?: unknown; reasoning_effort?: string };

  async function openSettings(): Promise<void> {
    await page.evaluate(() => {
      (document.getElementById("settings") as HTMLDetailsElement).open = true;
    });
  }

  async function useModel(model: string): Promise<void> {
    await openSettings();
    await page.locator(`#model option[value="${model}"]`).waitFor({ state: "attached" });
    await page.selectOption("#model", model);
  }

  /** Sends `text` and waits for the reply to finish; the reply's element. */
  async function ask(text: string) {
    const before = await assistant().count();
    await page.fill("#prompt", text);
    await page.press("#prompt", "Enter");
    await page.waitForFunction((n) => document.querySelectorAll("#messages .message.assistant").length === n + 1 && (document.getElementById("stop") as HTMLButtonElement).disabled, before);
    return assistant().nth(before);
  }

  for (const viewport of VIEWPORTS) {
    describe(viewport.name, () => {
      test("the key is kept in the tab, the models of the pool are listed, and a streamed reply is rendered as Markdown", async () => {
        await page.setViewportSize(viewport);
        await page.goto(`${h.server.url}/`);
        await openSettings();
        await page.fill("#api-key", POOL_KEY);
        await page.locator("#api-key").dispatchEvent("change");
        await useModel("gpt-4o");
        await page.click("#new-chat");
        const reply = await ask("Say **bold** and `<b>code</b>`");
        expect(await reply.locator(".body strong").textContent()).toBe("bold");
        expect(await reply.locator(".body code").textContent()).toBe("<b>code</b>");
        expect(await reply.locator(".body b").count()).toBe(0);
        expect(await reply.locator(".usage").textContent()).toMatch(/^\d+ tokens in · \d+ out$/);
        expect(lastBody()).toMatchObject({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "Say **bold** and `<b>code</b>`" }] });
        expect(await page.evaluate(() => sessionStorage.getItem("chat2api.apiKey"))).toBe(POOL_KEY);
        expect(await page.evaluate(() => localStorage.getItem("chat2api.apiKey"))).toBeNull();
        await expectNoOverflow(page);
        await page.screenshot({ path: join(shots, `playground-${viewport.name}.png`), fullPage: true });
      });

      test("reasoning is shown folded above the answer; the effort is sent", async () => {
        await useModel("o3");
        await page.selectOption("#effort", "high");
        const reply = await ask("Think [[scenario:reasoning]]");
        const details = reply.locator("details.reasoning");
        expect(await details.getAttribute("open")).toBeNull();
        expect(((await details.locator(".text").textContent()) ?? "").length).toBeGreaterThan(10);
        expect(await reply.locator(".body > p").last().textContent()).toBe("You said: Think");
        expect(lastBody().reasoning_effort).toBe("high");
        await page.selectOption("#effort", "");
        await expectNoOverflow(page);
      });

      test("an image attached from a file reaches the upstream; an image in the reply is shown", async () => {
        await useModel("gpt-4o");
        const file = join(dir, "dot.png");
        writeFileSync(file, makePng(40, 30));
        await page.setInputFiles("#image-file", file);
        await page.locator("#attachments img").waitFor();
        const before = h.emulator.log.length;
        await ask("What is in this picture?");
        const user = page.locator("#messages .message.user").last();
        expect(await user.locator("img").count()).toBe(1);
        const sent = lastBody().messages.at(-1)?.content as Array<{ type: string; image_url?: { url: string } }>;
        expect(sent.map((part) => part.type)).toEqual(["text", "image_url"]);
        expect(sent[1]?.image_url?.url).toStartWith("data:image/png;base64,");
        const upstream = h.emulator.log.slice(before).filter((entry) => entry.path.endsWith("/conversation")).at(-1);
        expect(upstream?.imagePointers?.map(({ width, height }) => ({ width, height }))).toEqual([{ width: 40, height: 30 }]);
        const drawn = await ask("Draw a cat [[scenario:dalle]]");
        const image = drawn.locator(".body img");
        await image.waitFor();
        await page.waitForFunction((n) => {
          const img = document.querySelectorAll("#messages .message.assistant")[n]?.querySelector(".body img") as HTMLImageElement | null;
          return Boolean(img?.complete && img.naturalWidth > 0);
        }, (await assistant().count()) - 1);
        expect(await image.getAttribute("src")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        await expectNoOverflow(page);
        await page.screenshot({ path: join(shots, `playground-images-${viewport.name}.png`), fullPage: true });
      });

      test("an image pasted into the message and one dropped on it are attached as data URLs; × removes one", async () => {
        const png = Buffer.from(makePng(8, 8)).toString("base64");
        await page.evaluate((b64) => {
          const file = () => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "dot.png", { type: "image/png" });
          const pasted = new DataTransfer();
          pasted.items.add(file());
          document.getElementById("prompt")?.dispatchEvent(new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true, cancelable: true }));
          const dropped = new DataTransfer();
          dropped.items.add(file());
          document.getElementById("composer")?.dispatchEvent(new DragEvent("drop", { dataTransfer: dropped, bubbles: true, cancelable: true }));
        }, png);
        await page.waitForFunction(() => document.querySelectorAll("#attachments img").length === 2);
        expect(await page.locator("#attachments img").first().getAttribute("src")).toBe(`data:image/png;base64,${png}`);
        await page.locator("#attachments button").first().click();
        await page.locator("#attachments button").first().click();
        expect(await page.locator("#attachments img").count()).toBe(0);
      });

      test("with tools declared, the tool call the model writes is shown with its arguments", async () => {
        await useModel("gpt-4o-mini");
        await page.click("#new-chat");
        await page.fill("#tools", JSON.stringify(weather));
        await page.locator("#tools").dispatchEvent("change");
        h.emulator.scriptWeb({ match: "weather in Paris", reply: ["Checking.\n", '<tool_call>\n{"name": "get_weather", "arg', 'uments": {"city": "Paris"}}\n</tool_call>'] });
        const reply = await ask("What is the weather in Paris?");
        expect(await reply.locator(".tool-call .tool-name").textContent()).toBe("get_weather");
        expect(JSON.parse((await reply.locator(".tool-call pre").textContent()) ?? "")).toEqual({ city: "Paris" });
        expect(lastBody().tools).toEqual(weather);
        // the next turn answers the call with the playground's note, so the history stays valid
        await ask("Thanks");
        expect(lastBody().messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
        await page.fill("#tools", "");
        await page.locator("#tools").dispatchEvent("change");
        await expectNoOverflow(page);
      });

      test("stop ends a reply that is still streaming, and chat2api lets go of the upstream", async () => {
        await useModel("gpt-4o");
        await page.click("#new-chat");
        h.emulator.inject({ endpoint: "conversation", times: 1, kind: { type: "hold", afterEvents: 2 } });
        await page.fill("#prompt", "A long answer please");
        await page.press("#prompt", "Enter");
        await page.waitForFunction(() => !(document.getElementById("stop") as HTMLButtonElement).disabled);
        for (let i = 0; h.emulator.stats().held !== 1; i++) {
          if (i > 500) throw new Error("the emulator never held the stream");
          await Bun.sleep(10);
        }
        await page.click("#stop");
        await page.waitForFunction(() => (document.getElementById("stop") as HTMLButtonElement).disabled);
        expect(await assistant().last().locator(".error").textContent()).toBe("Stopped.");
        expect(await page.locator("#status").textContent()).toBe("Stopped.");
        // the browser left, so chat2api left the upstream: nothing is held any more
        for (let i = 0; h.emulator.stats().held !== 0; i++) {
          if (i > 500) throw new Error("the held stream was never let go");
          await Bun.sleep(10);
        }
      });

      test("regenerate replaces the last answer; the conversation survives a reload", async () => {
        await page.click("#new-chat");
        await ask("First question");
        const count = await assistant().count();
        await page.click("#regenerate");
        await page.waitForFunction((n) => document.querySelectorAll("#messages .message.assistant").length === n && (document.getElementById("stop") as HTMLButtonElement).disabled, count);
        expect(lastBody().messages).toEqual([{ role: "user", content: "First question" }]);
        await page.reload();
        await page.locator("#messages .message.assistant").first().waitFor();
        expect(await page.locator("#messages .message.user .body").textContent()).toBe("First question");
        expect(await page.locator("#conversations option").count()).toBeGreaterThan(1);
      });

      test("the admin session of the console's pages serves the playground from the pool", async () => {
        // the management pages keep the admin key in the tab; the playground offers it once it is there
        await page.evaluate((key) => sessionStorage.setItem("chat2api.adminKey", key), ADMIN_KEY);
        await page.reload();
        await openSettings();
        await page.click("#use-admin");
        expect(await page.evaluate(() => sessionStorage.getItem("chat2api.apiKey"))).toBe(ADMIN_KEY);
        await useModel("gpt-4o");
        await page.click("#new-chat");
        const reply = await ask("hello from the operator");
        expect(await reply.locator(".body").textContent()).toStartWith("You said: hello from the operator");
        const write = h.emulator.log.filter((entry) => /\/conversation$/.test(entry.path)).at(-1);
        expect([write?.status, write?.account === "anon"]).toEqual([200, false]);
        await page.evaluate(() => sessionStorage.removeItem("chat2api.adminKey"));
      });
    });
  }

  test("the page asked only this machine for anything", () => {
    expect(urls.length).toBeGreaterThan(10);
    expect(nonLoopback(urls)).toEqual([]);
  });
});
