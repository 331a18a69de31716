/** The Codex control API under `/_emulator/codex/`: accounts, scripts, settings, quota, sign-in, device approval, stats. */
import { expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, postResponses, readEvents } from "./test-client.ts";
import type { CodexAccount } from "./types.ts";

test("an account, a script, a quota and a setting made over HTTP act like the handle's", async () => {
  await using emu = await startEmulator();
  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${emu.url}/_emulator/codex/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return [response.status, await response.json()] as [number, unknown];
  };
  const [, account] = (await control("accounts", { id: "http", plan: "team" })) as [number, CodexAccount];
  await control("script", { replies: [{ text: "scripted over HTTP" }] });
  const { events } = await readEvents(await postResponses(emu.url, account, codexBody()));
  const [, settings] = await control("configure", { omitContentType: true });
  const [, quota] = await control("quota", { account: "http", exhaust: true });
  const limited = await postResponses(emu.url, account, codexBody());
  await limited.arrayBuffer();
  const unknown = await control("quota", { account: "nobody", limit: 1 });
  const [, stats] = await control("stats");
  expect([
    account.plan,
    events.find((e) => e.data.type === "response.output_text.done")?.data.text,
    (settings as { omitContentType: boolean }).omitContentType,
    (quota as { used: number; limit: number }[])[0]?.used,
    limited.status,
    unknown[0],
    (stats as { usageLimited: number }).usageLimited,
    (await control("device/approve", { user_code: "AAAA-AAAA", account: "http" }))[1],
    (await control("sign-in", { account: "http" }))[0],
  ]).toEqual(["team", "scripted over HTTP", true, 100, 429, 422, 1, { approved: false }, 200]);
});
