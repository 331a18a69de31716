/**
 * @module The Store contract: one suite every implementation runs (SQLite and PostgreSQL), so they cannot drift
 * apart.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { runClientKeyContract } from "./client-key-store.contract.ts";
import { runRequestLogContract } from "./request-log-store.contract.ts";
import { runRequestStatsContract } from "./request-stats.contract.ts";
import { DataKeyError, type DataKeys } from "./secret-box.ts";
import type { AccountRow, NewRequestLogRow, Store } from "./store.ts";

/** What a new account row holds in every field the input left out. */
const DEFAULTS = {
  teamAccountId: "",
  accessToken: null,
  accessTokenExpiresAt: null,
  accessTokenIssuedAt: null,
  refreshToken: null,
  plan: null,
  oauthClientId: null,
  chatgptAccountId: null,
  hasCodex: null,
  hasWeb: null,
  refreshStartedAt: null,
  status: "active" as const,
  lastError: null,
  lastUsedAt: null,
  successCount: 0,
  failureCount: 0,
} satisfies Partial<AccountRow>;

/** What the contract may ask of a store it makes, beyond the defaults. */
export interface ContractStoreOptions {
  pruneBatchSize?: number;
  dataKeys?: DataKeys;
}

/** What a store with a database that outlives it (a file, a server) lets the contract look at. */
export interface PersistentStoreAccess {
  /** A new store on the database of the store made last (after that one is closed): a restart. */
  reopen(options?: ContractStoreOptions): Promise<Store>;
  /** The stored values of the secret columns of every account, as the database holds them. */
  rawSecrets(): Promise<string[]>;
}

const KEY_A = "contract-data-key-A-0123456789abcdef0123";
const KEY_B = "contract-data-key-B-0123456789abcdef0123";

export function runStoreContract(name: string, makeStore: (options?: ContractStoreOptions) => Promise<Store>, persistent?: PersistentStoreAccess): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    runClientKeyContract(() => makeStore());
    runRequestLogContract(() => makeStore());
    runRequestStatsContract(() => makeStore());

    test("added accounts are listed in insertion order with defaults filled in", async () => {
      const { added, duplicates } = await store.addAccounts([
        { credential: "cred-a", kind: "access", accessToken: "cred-a" },
        { credential: "cred-b", kind: "refresh", refreshToken: "cred-b", teamAccountId: "team-1" },
      ]);
      expect(duplicates).toBe(0);
      const listed = await store.listAccounts();
      expect(listed).toEqual(added);
      expect(listed.map(({ id: _id, createdAt: _at, ...rest }) => rest)).toEqual([
        { ...DEFAULTS, credential: "cred-a", kind: "access", accessToken: "cred-a" },
        { ...DEFAULTS, credential: "cred-b", kind: "refresh", teamAccountId: "team-1", refreshToken: "cred-b" },
      ]);
    });

    test("a duplicate credential in the same workspace is not stored twice, in one call or across calls", async () => {
      await store.addAccounts([{ credential: "dup", kind: "access" }]);
      const result = await store.addAccounts([
        { credential: "dup", kind: "access" },
        { credential: "new", kind: "access" },
        { credential: "new", kind: "access" },
        { credential: "dup", kind: "access", teamAccountId: "other-team" },
      ]);
      expect({ added: result.added.map((a) => [a.credential, a.teamAccountId]), duplicates: result.duplicates }).toEqual({
        added: [
          ["new", ""],
          ["dup", "other-team"],
        ],
        duplicates: 2,
      });
      expect((await store.listAccounts()).length).toBe(3);
    });

    test("updateAccount changes only the given fields; getAccount reads them back", async () => {
      const [account] = (await store.addAccounts([{ credential: "u", kind: "refresh", refreshToken: "u" }])).added;
      if (!account) throw new Error("not added");
      await store.updateAccount(account.id, { accessToken: "at-1", accessTokenExpiresAt: 5000, status: "failed", lastError: "why" });
      expect(await store.getAccount(account.id)).toEqual({
        ...account,
        accessToken: "at-1",
        accessTokenExpiresAt: 5000,
        status: "failed",
        lastError: "why",
      });
      expect(await store.getAccount("missing")).toBeNull();
    });

    test("recordUse counts successes and failures and stamps the last use", async () => {
      const [account] = (await store.addAccounts([{ credential: "c", kind: "access" }])).added;
      if (!account) throw new Error("not added");
      await store.recordUse(account.id, { ok: true, at: 10 });
      await store.recordUse(account.id, { ok: true, at: 20 });
      await store.recordUse(account.id, { ok: false, at: 30 });
      const row = await store.getAccount(account.id);
      expect({ s: row?.successCount, f: row?.failureCount, at: row?.lastUsedAt }).toEqual({ s: 2, f: 1, at: 30 });
    });

    test("a cooldown is extended by a later one and never shortened by an earlier one", async () => {
      await store.setCooldown({ subject: "acc", model: "gpt-4o", untilMs: 2000, reason: "capped" });
      await store.setCooldown({ subject: "acc", model: "gpt-4o", untilMs: 1500, reason: "capped" });
      await store.setCooldown({ subject: "acc", model: "*", untilMs: 1200, reason: "blocked" });
      expect(await store.activeCooldowns(1000)).toEqual([
        { subject: "acc", model: "*", untilMs: 1200, reason: "blocked" },
        { subject: "acc", model: "gpt-4o", untilMs: 2000, reason: "capped" },
      ]);
      await store.setCooldown({ subject: "acc", model: "gpt-4o", untilMs: 3000, reason: "capped" });
      expect(await store.activeCooldowns(1300)).toEqual([{ subject: "acc", model: "gpt-4o", untilMs: 3000, reason: "capped" }]);
    });

    test("removing an account removes its cooldowns; clearAccounts keeps own-token cooldowns", async () => {
      const { added } = await store.addAccounts([
        { credential: "r1", kind: "access" },
        { credential: "r2", kind: "access" },
      ]);
      const [first, second] = added;
      if (!first || !second) throw new Error("not added");
      await store.setCooldown({ subject: first.id, model: "m", untilMs: 9000, reason: "capped" });
      await store.setCooldown({ subject: second.id, model: "m", untilMs: 9000, reason: "capped" });
      await store.setCooldown({ subject: "at:abc", model: "m", untilMs: 9000, reason: "capped" });
      expect(await store.removeAccount(first.id)).toBe(true);
      expect(await store.removeAccount(first.id)).toBe(false);
      expect((await store.activeCooldowns(0)).map((c) => c.subject)).toEqual([second.id, "at:abc"]);
      expect(await store.clearAccounts()).toBe(1);
      expect(await store.listAccounts()).toEqual([]);
      expect((await store.activeCooldowns(0)).map((c) => c.subject)).toEqual(["at:abc"]);
      expect(await store.clearCooldowns("at:abc")).toBe(1);
      expect(await store.activeCooldowns(0)).toEqual([]);
    });

    test("withLock runs the holders of one key one at a time, so read-modify-write loses nothing", async () => {
      let counter = 0;
      let inside = 0;
      let mostInside = 0;
      const increment = () =>
        store.withLock("contract:counter", async () => {
          inside++;
          mostInside = Math.max(mostInside, inside);
          const read = counter;
          await store.getAccount("missing");
          counter = read + 1;
          inside--;
          return read;
        });
      const reads = await Promise.all([increment(), increment(), increment(), increment(), increment()]);
      expect({ counter, mostInside, reads: [...reads].sort() }).toEqual({ counter: 5, mostInside: 1, reads: [0, 1, 2, 3, 4] });
    });

    test("withLock on another key does not wait, and a holder that throws releases the lock", async () => {
      let open = (): void => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const holding = store.withLock("contract:a", () => gate.then(() => "a"));
      expect(await store.withLock("contract:b", async () => "b")).toBe("b");
      open();
      expect(await holding).toBe("a");
      await expect(store.withLock("contract:a", () => Promise.reject(new Error("holder failed")))).rejects.toThrow("holder failed");
      expect(await store.withLock("contract:a", async () => "again")).toBe("again");
    });

    test("a Codex account keeps its client, ChatGPT account id and engines; a refresh token's kind can change", async () => {
      const [account] = (await store.addAccounts([{ credential: "rt-codex", kind: "refresh", refreshToken: "rt-codex" }])).added;
      if (!account) throw new Error("not added");
      const patch = { kind: "codex-refresh", oauthClientId: "app_codex", chatgptAccountId: "acct-9", hasCodex: true, hasWeb: false, refreshStartedAt: 42 } as const;
      await store.updateAccount(account.id, patch);
      expect(await store.getAccount(account.id)).toEqual({ ...account, ...patch });
      const [access] = (await store.addAccounts([{ credential: "at-codex", kind: "codex-access", accessToken: "at-codex", oauthClientId: "app_codex", hasCodex: true }])).added;
      expect([access?.kind, access?.oauthClientId, access?.hasCodex, access?.hasWeb]).toEqual(["codex-access", "app_codex", true, null]);
    });

    test("commitRefresh stores the successor and spends the old token in one step, only while the old one is current", async () => {
      const [account] = (await store.addAccounts([{ credential: "rt-1", kind: "codex-refresh", refreshToken: "rt-1" }])).added;
      if (!account) throw new Error("not added");
      await store.updateAccount(account.id, { refreshStartedAt: 7 });
      const { version } = await store.changesSince(-1);
      expect(await store.commitRefresh(account.id, "rt-1", { refreshToken: "rt-2", accessToken: "at-2", lastError: null })).toBe(true);
      expect(await store.getAccount(account.id)).toEqual({ ...account, refreshToken: "rt-2", accessToken: "at-2", refreshStartedAt: null });
      expect((await store.changesSince(version)).changes).toEqual([{ type: "account", id: account.id }]);
      expect([await store.isRefreshTokenUsed("rt-1"), await store.isRefreshTokenUsed("rt-2")]).toEqual([true, false]);
      // the old token again (a second writer that read before the first committed): nothing is written
      expect(await store.commitRefresh(account.id, "rt-1", { refreshToken: "rt-3", accessToken: "at-3" })).toBe(false);
      expect((await store.getAccount(account.id))?.refreshToken).toBe("rt-2");
      expect(await store.commitRefresh("missing", "rt-2", { refreshToken: "rt-4" })).toBe(false);
      // a removed account's spent tokens stay spent
      await store.removeAccount(account.id);
      expect(await store.isRefreshTokenUsed("rt-1")).toBe(true);
    });

    test("a session-token account (web-2026.md §8.1) keeps its kind; a rotated session token is committed like a rotated refresh token", async () => {
      const [account] = (await store.addAccounts([{ credential: "st-1", kind: "session", refreshToken: "st-1" }])).added;
      if (!account) throw new Error("not added");
      expect(await store.commitRefresh(account.id, "st-1", { refreshToken: "st-2", accessToken: "at-s", lastError: null })).toBe(true);
      expect(await store.getAccount(account.id)).toEqual({ ...account, kind: "session", credential: "st-1", refreshToken: "st-2", accessToken: "at-s" });
      expect([await store.isRefreshTokenUsed("st-1"), await store.isRefreshTokenUsed("st-2")]).toEqual([true, false]);
    });

    test("commitRefresh works on sealed tokens (DATA_KEY)", async () => {
      const sealed = await makeStore({ dataKeys: { current: KEY_A, previous: [] } });
      try {
        const [account] = (await sealed.addAccounts([{ credential: "rt-s1", kind: "refresh", refreshToken: "rt-s1" }])).added;
        if (!account) throw new Error("not added");
        expect(await sealed.commitRefresh(account.id, "rt-s2", { refreshToken: "rt-s3" })).toBe(false);
        expect(await sealed.commitRefresh(account.id, "rt-s1", { refreshToken: "rt-s2" })).toBe(true);
        expect(await sealed.commitRefresh(account.id, "rt-s2", { refreshToken: "rt-s3" })).toBe(true);
        expect([(await sealed.getAccount(account.id))?.refreshToken, await sealed.isRefreshTokenUsed("rt-s2")]).toEqual(["rt-s3", true]);
      } finally {
        await sealed.close();
      }
    });

    test("quota windows are kept per account and length, updated in place, listed shortest first, gone with the account", async () => {
      const { added } = await store.addAccounts([
        { credential: "q1", kind: "codex-access" },
        { credential: "q2", kind: "codex-access" },
      ]);
      const [one, two] = added;
      if (!one || !two) throw new Error("not added");
      const { version } = await store.changesSince(-1);
      await store.saveQuotaWindows(one.id, [
        { windowMinutes: 10_080, usedPercent: 40, resetsAt: 9_000_000 },
        { windowMinutes: 300, usedPercent: 12.5, resetsAt: 1_000_000 },
      ], 100);
      await store.saveQuotaWindows(two.id, [{ windowMinutes: 10_080, usedPercent: 3, resetsAt: null }], 100);
      await store.saveQuotaWindows(one.id, [{ windowMinutes: 300, usedPercent: 100, resetsAt: 1_200_000 }], 200);
      await store.saveQuotaWindows(one.id, [], 300);
      expect(await store.quotaWindows(one.id)).toEqual([
        { accountId: one.id, windowMinutes: 300, usedPercent: 100, resetsAt: 1_200_000, updatedAt: 200 },
        { accountId: one.id, windowMinutes: 10_080, usedPercent: 40, resetsAt: 9_000_000, updatedAt: 100 },
      ]);
      expect((await store.quotaWindows()).map((w) => [w.accountId === one.id ? "one" : "two", w.windowMinutes])).toEqual(
        [one.id, two.id].sort()[0] === one.id
          ? [["one", 300], ["one", 10_080], ["two", 10_080]]
          : [["two", 10_080], ["one", 300], ["one", 10_080]],
      );
      // every reply writes them: not a change the pool view must read again
      expect((await store.changesSince(version)).changes).toEqual([]);
      await store.removeAccount(one.id);
      expect((await store.quotaWindows()).map((w) => w.accountId)).toEqual([two.id]);
      await store.clearAccounts();
      expect(await store.quotaWindows()).toEqual([]);
    });

    test("the request log returns the newest entries first, limited", async () => {
      for (let i = 1; i <= 3; i++) {
        await store.logRequest({
          at: i,
          clientKey: "sk-abc…wxyz",
          accountId: i === 2 ? null : "acc",
          model: "gpt-4o",
          promptTokens: i,
          completionTokens: 2 * i,
          status: 200,
          latencyMs: 10 * i,
          ttftMs: i === 3 ? null : 5,
        });
      }
      const recent = await store.recentRequests(2);
      expect(recent.map(({ id: _id, requestId: _r, engine: _e, attempts: _a, error: _x, ...rest }) => rest)).toEqual([
        { at: 3, clientKey: "sk-abc…wxyz", accountId: "acc", model: "gpt-4o", promptTokens: 3, completionTokens: 6, status: 200, latencyMs: 30, ttftMs: null },
        { at: 2, clientKey: "sk-abc…wxyz", accountId: null, model: "gpt-4o", promptTokens: 2, completionTokens: 4, status: 200, latencyMs: 20, ttftMs: 5 },
      ]);
    });

    test("pruneRequests deletes the rows logged before the cutoff, keeps the rest and says how many went", async () => {
      for (const at of [1_000, 5_000, 2_000, 9_000, 4_999]) await store.logRequest(logEntry(at));
      expect(await store.pruneRequests(5_000)).toBe(3);
      expect((await store.recentRequests(100)).map((row) => row.at)).toEqual([9_000, 5_000]);
      expect(await store.pruneRequests(5_000)).toBe(0);
    });

    test("a burst of request-log rows logged without waiting is all written, each once", async () => {
      const burst = Array.from({ length: 2_000 }, (_, i) => store.logRequest(logEntry(i + 1)));
      const ats = (await store.recentRequests(5_000)).map((row) => row.at);
      expect(ats.length).toBe(2_000);
      expect(new Set(ats).size).toBe(2_000);
      await Promise.all(burst);
    });

    test("releaseMemory loses nothing: rows written before it are read after it, and writes go on", async () => {
      await store.addAccounts([{ credential: "kept", kind: "access" }]);
      await Promise.all(Array.from({ length: 300 }, (_, i) => store.logRequest(logEntry(i + 1))));
      expect((await store.recentRequests(1_000)).length).toBe(300);
      await store.releaseMemory();
      expect((await store.recentRequests(1_000)).length).toBe(300);
      expect((await store.listAccounts()).length).toBe(1);
      await store.logRequest(logEntry(301));
      expect((await store.recentRequests(1))[0]?.at).toBe(301);
      // the idle trim may come after a shutdown began
      const closed = await makeStore();
      await closed.close();
      expect(await closed.releaseMemory()).toBeUndefined();
    });

    test("pruneRequests on an empty log deletes nothing", async () => {
      expect(await store.pruneRequests(Date.now())).toBe(0);
    });

    test("pruneRequests deletes past one batch, in as many batches as it takes", async () => {
      const small = await makeStore({ pruneBatchSize: 2 });
      try {
        for (let at = 1; at <= 7; at++) await small.logRequest(logEntry(at));
        await small.logRequest(logEntry(100));
        expect(await small.pruneRequests(7)).toBe(6);
        expect((await small.recentRequests(100)).map((row) => row.at)).toEqual([100, 7]);
      } finally {
        await small.close();
      }
    });

    test("changesSince lists account and cooldown writes in order; recordUse is not one; a current version gets none", async () => {
      const start = await store.changesSince(-1);
      expect(start.changes).toBeNull();
      const { added } = await store.addAccounts([{ credential: "w1", kind: "access" }]);
      const id = added[0]?.id ?? "";
      await store.updateAccount(id, { plan: "plus" });
      await store.recordUse(id, { ok: true, at: 1 });
      await store.setCooldown({ subject: id, model: "m", untilMs: 9_000, reason: "capped" });
      await store.clearCooldowns("at:own");
      const since = await store.changesSince(start.version);
      expect(since.changes).toEqual([
        { type: "account", id },
        { type: "account", id },
        { type: "cooldown", subject: id },
        { type: "cooldown", subject: "at:own" },
      ]);
      expect(await store.changesSince(since.version)).toEqual({ version: since.version, changes: [] });
      await store.clearAccounts();
      expect((await store.changesSince(since.version)).changes).toEqual([{ type: "all" }]);
      await store.removeAccount("gone");
      expect((await store.changesSince(since.version)).changes?.slice(1)).toEqual([
        { type: "account", id: "gone" },
        { type: "cooldown", subject: "gone" },
      ]);
    });

    test("a conversation keeps its first holder and caller; a later record stamps its use; pruning goes by last use", async () => {
      await store.recordConversation({ conversationId: "c-1", holder: "acc-1", caller: "caller-a", createdAt: 1_000, usedAt: 1_000 });
      await store.recordConversation({ conversationId: "c-2", holder: "anonymous", caller: "anonymous", createdAt: 2_000, usedAt: 2_000 });
      await store.recordConversation({ conversationId: "c-1", holder: "acc-2", caller: "caller-b", createdAt: 5_000, usedAt: 5_000 });
      expect(await store.findConversation("c-1")).toEqual({ conversationId: "c-1", holder: "acc-1", caller: "caller-a", createdAt: 1_000, usedAt: 5_000 });
      expect(await store.findConversation("missing")).toBeNull();
      expect(await store.pruneConversations(3_000)).toBe(1);
      expect([await store.findConversation("c-1"), await store.findConversation("c-2")].map((row) => row?.conversationId ?? null)).toEqual(["c-1", null]);
    });

    test("with DATA_KEY tokens read back in the clear, and the duplicate check still holds", async () => {
      const sealed = await makeStore({ dataKeys: { current: KEY_A, previous: [] } });
      try {
        const [account] = (await sealed.addAccounts([{ credential: "secret-cred", kind: "refresh", refreshToken: "secret-cred" }])).added;
        if (!account) throw new Error("not added");
        await sealed.updateAccount(account.id, { accessToken: "secret-at", refreshToken: "secret-rt-2" });
        expect((await sealed.addAccounts([{ credential: "secret-cred", kind: "refresh" }])).duplicates).toBe(1);
        const read = await sealed.getAccount(account.id);
        expect([read?.credential, read?.accessToken, read?.refreshToken]).toEqual(["secret-cred", "secret-at", "secret-rt-2"]);
        expect((await sealed.listAccounts()).map((a) => a.credential)).toEqual(["secret-cred"]);
      } finally {
        await sealed.close();
      }
    });

    test("a DATA_KEY shorter than 32 characters is refused by ready(), naming DATA_KEY", async () => {
      const weak = await makeStore({ dataKeys: { current: "short-key", previous: [] } }).catch((error: unknown) => error);
      const failure = weak instanceof Error ? weak : await (weak as Store).ready().then(() => null, (error: unknown) => error);
      if (!(weak instanceof Error)) await (weak as Store).close();
      expect(failure).toBeInstanceOf(DataKeyError);
      expect((failure as Error).message).toContain("DATA_KEY");
    });

    if (persistent) {
      test("a committed refresh survives a restart: the successor is current, the old token still spent", async () => {
        const first = await makeStore();
        const [account] = (await first.addAccounts([{ credential: "rt-p1", kind: "codex-refresh", refreshToken: "rt-p1" }])).added;
        if (!account) throw new Error("not added");
        await first.updateAccount(account.id, { refreshStartedAt: 5 });
        expect(await first.commitRefresh(account.id, "rt-p1", { refreshToken: "rt-p2" })).toBe(true);
        await first.close();
        const again = await persistent.reopen();
        try {
          const row = await again.getAccount(account.id);
          expect([row?.refreshToken, row?.refreshStartedAt, await again.isRefreshTokenUsed("rt-p1")]).toEqual(["rt-p2", null, true]);
        } finally {
          await again.close();
        }
      });

      test("request-log rows still waiting when the store closes are written by close", async () => {
        const first = await makeStore();
        for (let at = 1; at <= 300; at++) void first.logRequest(logEntry(at));
        await first.close();
        const again = await persistent.reopen();
        try {
          expect((await again.recentRequests(1_000)).length).toBe(300);
        } finally {
          await again.close();
        }
      });

      test("plain rows are sealed when a key is first set; rotation re-seals them; a wrong key fails naming DATA_KEY", async () => {
        const plain = await makeStore();
        await plain.addAccounts([{ credential: "rot-cred", kind: "refresh", refreshToken: "rot-cred", accessToken: "rot-at" }]);
        await plain.close();
        expect((await persistent.rawSecrets()).sort()).toEqual(["rot-at", "rot-cred", "rot-cred"]);

        const withA = await persistent.reopen({ dataKeys: { current: KEY_A, previous: [] } });
        await withA.ready();
        await withA.close();
        const sealedA = await persistent.rawSecrets();
        expect(sealedA.length === 3 && sealedA.every((value) => value.startsWith("enc:v1:") && !value.includes("rot-"))).toBe(true);
        const keyA = sealedA[0]?.split(":")[2];

        const wrong = await persistent.reopen({ dataKeys: { current: KEY_B, previous: [] } });
        const failure = await wrong.ready().then(() => null, (error: unknown) => error);
        await wrong.close();
        expect(failure).toBeInstanceOf(DataKeyError);
        expect((failure as Error).message).toContain("DATA_KEY");
        expect((failure as Error).message).not.toContain(KEY_A);
        expect(await persistent.rawSecrets()).toEqual(sealedA);

        const rotated = await persistent.reopen({ dataKeys: { current: KEY_B, previous: [KEY_A] } });
        const [row] = await rotated.listAccounts();
        await rotated.close();
        expect([row?.credential, row?.accessToken, row?.refreshToken]).toEqual(["rot-cred", "rot-at", "rot-cred"]);
        const keysB = new Set((await persistent.rawSecrets()).map((value) => value.split(":")[2]));
        expect(keysB.size === 1 && !keysB.has(keyA)).toBe(true);

        const onlyB = await persistent.reopen({ dataKeys: { current: KEY_B, previous: [] } });
        expect((await onlyB.listAccounts()).map((a) => a.credential)).toEqual(["rot-cred"]);
        await onlyB.close();
        // no DATA_KEY, the old one in DATA_KEY_PREVIOUS: back to plain
        const back = await persistent.reopen({ dataKeys: { current: null, previous: [KEY_B] } });
        await back.ready();
        await back.close();
        expect((await persistent.rawSecrets()).sort()).toEqual(["rot-at", "rot-cred", "rot-cred"]);
      });
    }
  });
}

function logEntry(at: number): NewRequestLogRow {
  return { at, clientKey: "sk-abc…wxyz", accountId: "acc", model: "gpt-4o", status: 200, latencyMs: 1 };
}
