/**
 * @module Routing by each Codex account's catalog, end to end: a model only some plans have goes to an account that
 * lists it and never to one that does not; a slug no account lists is a 404 before any upstream call; a hidden slug
 * the catalog holds is routed to Codex but not listed; an added account is probed for Codex without any request, and
 * a workspace without Codex is marked so and never leased for it.
 */
import { describe, expect, test } from "bun:test";
import type { PoolHarness } from "./pool-harness.ts";
import { startPoolHarness } from "./pool-harness.ts";

interface AccountView {
  id: string;
  hasCodex: boolean | null;
}

async function addTokens(h: PoolHarness, tokens: string[]): Promise<void> {
  expect((await h.admin("POST", "/accounts", { tokens: tokens.join("\n") })).status).toBe(200);
}

async function accounts(h: PoolHarness): Promise<AccountView[]> {
  return ((await (await h.admin("GET", "/accounts")).json()) as { data: AccountView[] }).data;
}

/** Waits until every account's Codex standing is known (the probe after adding runs in the background). */
async function probed(h: PoolHarness): Promise<AccountView[]> {
  for (;;) {
    const list = await accounts(h);
    if (list.every((account) => account.hasCodex !== null)) return list;
    await Bun.sleep(5);
  }
}

function codexCalls(h: PoolHarness, path: string): string[] {
  return h.emulator.log.filter((e) => e.path.startsWith(path)).map((e) => `${e.account}:${e.status}`);
}

describe("Codex routing by each account's catalog", () => {
  test("a Plus-only model is sent only to the Plus account; a Free-only pool answers 404 with no upstream call", async () => {
    await using h = await startPoolHarness();
    const free = h.emulator.addCodexAccount({ plan: "free" });
    const plus = h.emulator.addCodexAccount({ plan: "plus" });
    await addTokens(h, [free.accessToken, plus.accessToken]);
    // both are probed on add, before any request: both have Codex
    expect((await probed(h)).map((a) => a.hasCodex)).toEqual([true, true]);
    expect(codexCalls(h, "/backend-api/codex/models").length).toBe(2);

    for (let i = 0; i < 4; i++) expect((await h.chat("gpt-6-astra")).status).toBe(200);
    expect(codexCalls(h, "/backend-api/codex/responses")).toEqual(Array.from({ length: 4 }, () => `${plus.id}:200`));
    // a model both plans have goes to the Free account now: the Plus one has spent some of its window
    expect((await h.chat("gpt-5.5")).status).toBe(200);
    expect(codexCalls(h, "/backend-api/codex/responses").at(-1)).toBe(`${free.id}:200`);

    const list = ((await (await fetch(`${h.server.url}/v1/models`)).json()) as { data: Array<{ id: string; owned_by: string }> }).data;
    const codexIds = list.filter((m) => m.owned_by === "chatgpt-codex").map((m) => m.id);
    expect(codexIds).toContain("gpt-6-astra");
    // hidden in the catalog: routed, not listed
    expect(codexIds).not.toContain("codex-auto-review");
    const hidden = await h.chat("codex-auto-review");
    expect(hidden.status).toBe(200);
    expect(codexCalls(h, "/backend-api/codex/responses").at(-1)).toBe(`${plus.id}:200`);
  }, 30_000);

  test("with only a Free account, a Plus-only model is a 404 model_not_found and nothing is sent", async () => {
    await using h = await startPoolHarness();
    const free = h.emulator.addCodexAccount({ plan: "free" });
    await addTokens(h, [free.accessToken]);
    await probed(h);
    const answer = await h.chat("gpt-6-astra");
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: "model_not_found", param: "model" });
    expect(codexCalls(h, "/backend-api/codex/responses")).toEqual([]);
    // the Free plan's own catalog is what /v1/models lists
    const list = ((await (await fetch(`${h.server.url}/v1/models`)).json()) as { data: Array<{ id: string; owned_by: string }> }).data;
    expect(list.filter((m) => m.owned_by === "chatgpt-codex").map((m) => m.id)).not.toContain("gpt-6-astra");
  }, 30_000);

  test("a workspace whose plan leaves Codex out is marked so on add and never leased for Codex", async () => {
    await using h = await startPoolHarness();
    const without = h.emulator.addCodexAccount({ plan: "team", codexIncluded: false });
    const withCodex = h.emulator.addCodexAccount({ plan: "plus" });
    await addTokens(h, [without.accessToken, withCodex.accessToken]);
    const list = await probed(h);
    expect(list.map((a) => a.hasCodex).sort()).toEqual([false, true]);
    for (let i = 0; i < 3; i++) expect((await h.chat("gpt-5.5")).status).toBe(200);
    expect(codexCalls(h, "/backend-api/codex/responses")).toEqual(Array.from({ length: 3 }, () => `${withCodex.id}:200`));
  }, 30_000);
});
