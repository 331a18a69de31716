/**
 * @module The request-log part of the Store contract, run by both stores through store.contract.ts: a row keeps its
 * request id, engine, attempts and error; every filter of `listRequests` and its cursor.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { parseAttempts, type RequestAttempt } from "./request-log-query.ts";
import type { NewRequestLogRow, Store } from "./store.ts";

function row(at: number, fields: Partial<NewRequestLogRow> = {}): NewRequestLogRow {
  return { at, clientKey: "key:aaaaaaaa", accountId: "acc-1", model: "gpt-4o", status: 200, latencyMs: 5, engine: "web", ...fields };
}

export function runRequestLogContract(makeStore: () => Promise<Store>): void {
  describe("request log", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    test("a row keeps its request id, engine, attempts and error; a row without them reads as none", async () => {
      const attempts: RequestAttempt[] = [
        { accountId: "acc-1", outcome: "capped", status: 429, kind: "capped", ms: 12 },
        { accountId: "acc-2", outcome: "success", status: 200, kind: null, ms: 30 },
      ];
      await store.logRequest(row(1, { requestId: "req_1", engine: "codex", attempts: JSON.stringify(attempts), accountId: "acc-2", ttftMs: 40 }));
      await store.logRequest(row(2, { requestId: "req_2", status: 502, error: "upstream_error", accountId: null }));
      await store.logRequest({ at: 3, clientKey: "anonymous", accountId: null, model: "gpt-4o", status: 200, latencyMs: 1 });
      const [plain, failed, first] = await store.listRequests({ limit: 10 });
      expect(plain).toMatchObject({ requestId: null, engine: null, attempts: "[]", error: null });
      expect(failed).toMatchObject({ requestId: "req_2", engine: "web", status: 502, error: "upstream_error", accountId: null });
      expect(first).toMatchObject({ requestId: "req_1", engine: "codex", accountId: "acc-2", ttftMs: 40, error: null });
      expect(parseAttempts(first?.attempts ?? "")).toEqual(attempts);
    });

    test("each filter narrows the rows, newest first; the cursor pages on", async () => {
      await store.logRequest(row(1_000, { requestId: "a" }));
      await store.logRequest(row(2_000, { requestId: "b", clientKey: "key:bbbbbbbb", status: 429, error: "rate_limit_exceeded" }));
      await store.logRequest(row(3_000, { requestId: "c", accountId: "acc-2", model: "gpt-5", engine: "codex" }));
      await store.logRequest(row(4_000, { requestId: "d", status: 502, accountId: null }));
      await store.logRequest(row(5_000, { requestId: "e", status: 404, engine: null, accountId: null }));
      const ids = async (filter: Omit<Parameters<Store["listRequests"]>[0], "limit">, limit = 100) =>
        (await store.listRequests({ limit, ...filter })).map((r) => r.requestId);
      expect(await ids({})).toEqual(["e", "d", "c", "b", "a"]);
      expect(await ids({ clientKey: "key:bbbbbbbb" })).toEqual(["b"]);
      expect(await ids({ accountId: "acc-2" })).toEqual(["c"]);
      expect(await ids({ model: "gpt-5" })).toEqual(["c"]);
      expect(await ids({ engine: "codex" })).toEqual(["c"]);
      expect(await ids({ engine: "web" })).toEqual(["d", "b", "a"]);
      expect(await ids({ status: { from: 400, to: 599 } })).toEqual(["e", "d", "b"]);
      expect(await ids({ status: { from: 502, to: 502 } })).toEqual(["d"]);
      expect(await ids({ since: 2_000, until: 4_000 })).toEqual(["c", "b"]);
      expect(await ids({ status: { from: 400, to: 499 }, clientKey: "key:aaaaaaaa" })).toEqual(["e"]);
      const page = await store.listRequests({ limit: 2 });
      expect(page.map((r) => r.requestId)).toEqual(["e", "d"]);
      expect(await ids({ before: page[1]?.id ?? 0 }, 2)).toEqual(["c", "b"]);
    });

    test("rows logged without waiting are listed", async () => {
      const writes = [1, 2, 3].map((at) => store.logRequest(row(at, { requestId: `r${at}` })));
      expect((await store.listRequests({ limit: 10, model: "gpt-4o" })).length).toBe(3);
      await Promise.all(writes);
    });
  });
}
