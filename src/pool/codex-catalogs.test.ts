import { describe, expect, test } from "bun:test";
import { CodexError } from "../engines/codex/errors.ts";
import type { CodexModelsAnswer } from "../engines/codex/fetch-models.ts";
import { parseCodexModels } from "../engines/codex/models.ts";
import { silentLogger } from "../logger.ts";
import type { AccountRow } from "../store/store.ts";
import { CodexCatalogs, type CodexCatalogsDeps } from "./codex-catalogs.ts";

function account(id: string, patch: Partial<AccountRow> = {}): AccountRow {
  return {
    id,
    credential: `cred-${id}`,
    kind: "codex-access",
    teamAccountId: "",
    accessToken: `token-${id}`,
    accessTokenExpiresAt: null,
    accessTokenIssuedAt: null,
    refreshToken: null,
    plan: null,
    oauthClientId: "app_EMoamEEZ73f0CkXaXp7hrann",
    chatgptAccountId: `ws-${id}`,
    hasCodex: null,
    hasWeb: null,
    refreshStartedAt: null,
    status: "active",
    lastError: null,
    lastUsedAt: null,
    successCount: 0,
    failureCount: 0,
    createdAt: 0,
    ...patch,
  } as AccountRow;
}

const CATALOG = parseCodexModels({
  models: [
    { slug: "gpt-5.5", priority: 2, minimal_client_version: "0.124.0" },
    { slug: "gpt-7", priority: 1, minimal_client_version: "9.0.0" },
    { slug: "review", priority: 3, visibility: "hide" },
  ],
});

function setup(answers: Record<string, () => Promise<CodexModelsAnswer>>, rows: AccountRow[]) {
  let clock = 1_000;
  const calls: string[] = [];
  const marks: Array<[string, boolean]> = [];
  const deps: CodexCatalogsDeps = {
    accounts: async () => rows,
    credential: async (row) => ({ accessToken: row.accessToken ?? "", chatgptAccountId: row.chatgptAccountId ?? "" }),
    load: (credential) => {
      const id = credential.chatgptAccountId.slice(3);
      calls.push(id);
      const answer = answers[id];
      if (!answer) throw new Error(`no answer for ${id}`);
      return answer();
    },
    markHasCodex: async (id, has) => {
      marks.push([id, has]);
    },
    clientVersion: "0.155.0",
    logger: silentLogger,
    now: () => clock,
    retryMs: 60_000,
  };
  return { catalogs: new CodexCatalogs(deps), calls, marks, advance: (ms: number) => (clock += ms) };
}

const ok = async (): Promise<CodexModelsAnswer> => ({ notModified: false, models: CATALOG, etag: "e1" });

describe("CodexCatalogs", () => {
  test("a model gated above our client version is neither offered nor listed; a hidden one is offered, not listed", async () => {
    const { catalogs, marks } = setup({ a: ok }, [account("a")]);
    expect(catalogs.offers("a", "gpt-5.5")).toBeNull();
    expect(catalogs.listedModels()).toBeNull();
    await catalogs.learnUnknown();
    expect(catalogs.offers("a", "gpt-5.5")).toBe(true);
    expect(catalogs.offers("a", "gpt-7")).toBe(false);
    expect(catalogs.offers("a", "review")).toBe(true);
    expect([...catalogs.servedSlugs()].sort()).toEqual(["gpt-5.5", "review"]);
    expect(catalogs.listedModels()?.map((m) => m.slug)).toEqual(["gpt-5.5"]);
    expect(marks).toEqual([["a", true]]);
  });

  test("usage_not_included marks the account without Codex; a network failure leaves it unknown until retryMs", async () => {
    const notIncluded = async (): Promise<CodexModelsAnswer> => {
      throw new CodexError("forbidden", "no codex", { status: 429, code: "usage_not_included" });
    };
    const down = async (): Promise<CodexModelsAnswer> => {
      throw new CodexError("network", "refused");
    };
    const { catalogs, calls, marks, advance } = setup({ a: notIncluded, b: down }, [account("a"), account("b")]);
    await catalogs.learnUnknown();
    expect(marks).toEqual([["a", false]]);
    expect(catalogs.offers("b", "gpt-5.5")).toBeNull();
    // nothing is asked again within retryMs
    expect(await catalogs.hasUnknown()).toBe(false);
    await catalogs.learnUnknown();
    expect(calls).toEqual(["a", "b"]);
    advance(60_000);
    expect(await catalogs.hasUnknown()).toBe(true);
  });

  test("concurrent learners share one run; accounts added during it are read by the run queued after it", async () => {
    const rows = [account("a")];
    let release = (): void => {};
    const slow = () => new Promise<CodexModelsAnswer>((resolve) => (release = () => resolve({ notModified: false, models: CATALOG, etag: null })));
    const { catalogs, calls } = setup({ a: slow, b: ok }, rows);
    const first = catalogs.learnUnknown();
    const second = catalogs.learnUnknown();
    while (calls.length === 0) await Bun.sleep(1);
    rows.push(account("b"));
    const third = catalogs.learnUnknown();
    release();
    await Promise.all([first, second, third]);
    expect(calls).toEqual(["a", "b"]);
    expect(catalogs.offers("b", "gpt-5.5")).toBe(true);
  });

  test("a changed x-models-etag reads the catalog again; forget drops it", async () => {
    const { catalogs, calls } = setup({ a: ok }, [account("a")]);
    await catalogs.learnUnknown();
    catalogs.noteEtag("a", "e1");
    catalogs.noteEtag("a", "e2");
    while (calls.length < 2) await Bun.sleep(1);
    expect(calls).toEqual(["a", "a"]);
    catalogs.forget("a");
    expect(catalogs.offers("a", "gpt-5.5")).toBeNull();
  });
});
