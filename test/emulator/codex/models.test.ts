/** `GET /backend-api/codex/models` (codex.md §6, §9 item 21): plan catalog, minimal_client_version gating, ETag. */
import { describe, expect, test } from "bun:test";
import { startEmulator } from "../index.ts";
import { codexBody, codexHeaders, postResponses } from "./test-client.ts";

interface ModelInfo {
  slug: string;
  minimal_client_version: string;
  visibility: string;
  input_modalities: string[];
  supported_reasoning_levels: { effort: string }[];
  supports_reasoning_summary_parameter: boolean;
  available_in_plans: string[];
}

describe("GET /backend-api/codex/models", () => {
  test("client_version hides the models that need a newer client", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "plus" });
    const slugs = async (version: string) =>
      ((await (await fetch(`${emu.url}/backend-api/codex/models?client_version=${version}`, { headers: codexHeaders(account) })).json()) as { models: ModelInfo[] }).models.map((m) => m.slug);
    expect([await slugs("0.124.0"), await slugs("0.144.0"), (await slugs("0.160.0")).includes("gpt-6-astra")]).toEqual([
      ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini", "gpt-5.3-codex-spark", "codex-auto-review"],
      ["gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5", "gpt-5.4", "gpt-5.4-mini", "gpt-5.3-codex-spark", "codex-auto-review"],
      true,
    ]);
  });

  test("no client_version, or 0.0.0, returns the plan's whole catalog; Free has fewer models", async () => {
    await using emu = await startEmulator();
    const plus = emu.addCodexAccount({ plan: "plus" });
    const free = emu.addCodexAccount({ plan: "free" });
    const slugs = async (account: typeof plus, query: string) =>
      ((await (await fetch(`${emu.url}/backend-api/codex/models${query}`, { headers: codexHeaders(account) })).json()) as { models: ModelInfo[] }).models.map((m) => m.slug);
    const [all, zero, freeAll] = [await slugs(plus, ""), await slugs(plus, "?client_version=0.0.0"), await slugs(free, "")];
    expect([all.length, zero, freeAll]).toEqual([9, all, ["gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5", "gpt-5.4-mini"]]);
  });

  test("entries carry the live payload's fields (Spark: text only, no summary parameter)", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount({ plan: "pro" });
    const { models } = (await (await fetch(`${emu.url}/backend-api/codex/models?client_version=0.160.0`, { headers: codexHeaders(account) })).json()) as { models: ModelInfo[] };
    const spark = models.find((m) => m.slug === "gpt-5.3-codex-spark");
    const review = models.find((m) => m.slug === "codex-auto-review");
    expect([spark?.input_modalities, spark?.supports_reasoning_summary_parameter, spark?.supported_reasoning_levels.map((l) => l.effort), spark?.available_in_plans, review?.visibility]).toEqual([
      ["text"],
      false,
      ["low", "medium", "high", "xhigh"],
      ["plus", "pro"],
      "hide",
    ]);
  });

  test("an ETag that /responses repeats as x-models-etag; If-None-Match with it is 304", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const url = `${emu.url}/backend-api/codex/models?client_version=0.160.0`;
    const first = await fetch(url, { headers: codexHeaders(account) });
    await first.arrayBuffer();
    const etag = first.headers.get("etag") ?? "";
    const again = await fetch(url, { headers: codexHeaders(account, { "if-none-match": etag }) });
    const older = await fetch(`${emu.url}/backend-api/codex/models?client_version=0.124.0`, { headers: codexHeaders(account) });
    await older.arrayBuffer();
    const stream = await postResponses(emu.url, account, codexBody());
    await stream.arrayBuffer();
    expect([etag.startsWith('W/"'), again.status, older.headers.get("etag") !== etag, stream.headers.get("x-models-etag"), emu.codex.stats().models]).toEqual([true, 304, true, etag, 3]);
  });
});
