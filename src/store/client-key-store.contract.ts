/**
 * @module The client-key part of the Store contract (client-key-store.ts), run by both stores through
 * store.contract.ts: keys, admission against each limit, window rollover, charging at the end, usage per day, and
 * concurrent admissions that never pass a limit.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type AdmitInput, type ClientKeyRow, type NewClientKeyRow, UNRESTRICTED_KEY } from "./client-key-store.ts";
import type { Store } from "./store.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 2, 10, 0, 0);

function newKey(id: string, limits: Partial<NewClientKeyRow> = {}): NewClientKeyRow {
  return {
    id,
    name: `key ${id}`,
    digest: `digest-${id}`,
    hint: "sk-c2a-…abcd",
    createdAt: T0,
    ...UNRESTRICTED_KEY,
    ...limits,
  };
}

let leases = 0;
function admitAt(store: Store, keyId: string, now: number): ReturnType<Store["admitClientKeyRequest"]> {
  const input: AdmitInput = {
    keyId,
    now,
    minuteStart: now - (now % MINUTE),
    day: new Date(now).toISOString().slice(0, 10),
    lease: { id: `lease-${++leases}`, expiresAt: now + 10 * MINUTE },
  };
  return store.admitClientKeyRequest(input);
}

function finishAt(store: Store, keyId: string, now: number, tokens: { prompt: number; completion: number }, leaseId: string | null = null): Promise<void> {
  return store.finishClientKeyRequest({
    keyId,
    leaseId,
    promptTokens: tokens.prompt,
    completionTokens: tokens.completion,
    minuteStart: now - (now % MINUTE),
    day: new Date(now).toISOString().slice(0, 10),
  });
}

export function runClientKeyContract(makeStore: () => Promise<Store>): void {
  describe("client keys", () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    test("a key is created, found by digest, listed, patched and revoked; its digest is unique", async () => {
      const created = await store.createClientKey(newKey("k1", { requestsPerMinute: 5 }));
      expect(created).toEqual({ ...newKey("k1", { requestsPerMinute: 5 }), revokedAt: null, rotatedAt: null } satisfies ClientKeyRow);
      expect(await store.findClientKey("digest-k1")).toEqual(created);
      expect(await store.findClientKey("digest-none")).toBeNull();
      await store.createClientKey(newKey("k2"));
      expect((await store.listClientKeys()).map((key) => key.id)).toEqual(["k1", "k2"]);
      const failed = await store.createClientKey({ ...newKey("k3"), digest: "digest-k1" }).then(() => null, (error: unknown) => error);
      expect(failed).toBeInstanceOf(Error);
      const patched = await store.updateClientKey("k1", { name: "renamed", models: '["gpt-4o"]', tokensPerDay: 100, revokedAt: T0 + 1 });
      expect(patched).toMatchObject({ name: "renamed", models: '["gpt-4o"]', tokensPerDay: 100, revokedAt: T0 + 1, requestsPerMinute: 5 });
      expect(await store.getClientKey("k1")).toEqual(patched);
      expect(await store.updateClientKey("missing", { name: "x" })).toBeNull();
      const rotated = await store.updateClientKey("k2", { digest: "digest-k2b", hint: "sk-c2a-…wxyz", rotatedAt: T0 + 2 });
      expect(await store.findClientKey("digest-k2")).toBeNull();
      expect(await store.findClientKey("digest-k2b")).toEqual(rotated);
    });

    test("requests per minute: admitted up to the limit, refused without counting, room again in the next minute", async () => {
      await store.createClientKey(newKey("rpm", { requestsPerMinute: 2 }));
      const first = await admitAt(store, "rpm", T0 + 1_000);
      const second = await admitAt(store, "rpm", T0 + 2_000);
      const third = await admitAt(store, "rpm", T0 + 3_000);
      expect([first.admitted, second.admitted, third.admitted]).toEqual([true, true, false]);
      expect(second.counts.requests).toBe(2);
      expect(third).toMatchObject({ admitted: false, refusedBy: "requests-per-minute", counts: { requests: 2 } });
      const next = await admitAt(store, "rpm", T0 + MINUTE);
      expect(next).toMatchObject({ admitted: true, counts: { requests: 1 } });
      // requests are counted per day too, refused ones not
      expect((await store.clientKeyUsage("rpm", "2026-01-01")).map((row) => row.requests)).toEqual([3]);
    });

    test("tokens per minute: charged when a request ends, admitted while the window has room, reset by the next window", async () => {
      await store.createClientKey(newKey("tpm", { tokensPerMinute: 100 }));
      expect((await admitAt(store, "tpm", T0)).admitted).toBe(true);
      await finishAt(store, "tpm", T0 + 5_000, { prompt: 60, completion: 30 });
      expect(await admitAt(store, "tpm", T0 + 6_000)).toMatchObject({ admitted: true, counts: { tokens: 90 } });
      await finishAt(store, "tpm", T0 + 7_000, { prompt: 10, completion: 5 });
      expect(await admitAt(store, "tpm", T0 + 8_000)).toMatchObject({ admitted: false, refusedBy: "tokens-per-minute", counts: { tokens: 105 } });
      expect(await admitAt(store, "tpm", T0 + MINUTE)).toMatchObject({ admitted: true, counts: { tokens: 0 } });
      // a request that ends late in the old window does not reset the new one
      await finishAt(store, "tpm", T0 + MINUTE + 1_000, { prompt: 7, completion: 0 });
      await finishAt(store, "tpm", T0 + 59_000, { prompt: 3, completion: 0 });
      expect((await admitAt(store, "tpm", T0 + MINUTE + 2_000)).counts.tokens).toBe(10);
    });

    test("tokens per day: read from the day's usage, a new UTC day starts empty", async () => {
      await store.createClientKey(newKey("tpd", { tokensPerDay: 50 }));
      expect((await admitAt(store, "tpd", T0)).admitted).toBe(true);
      await finishAt(store, "tpd", T0 + 1_000, { prompt: 20, completion: 30 });
      expect(await admitAt(store, "tpd", T0 + 2 * MINUTE)).toMatchObject({ admitted: false, refusedBy: "tokens-per-day", counts: { tokensToday: 50 } });
      const tomorrow = Date.UTC(2026, 0, 3, 0, 0, 1);
      expect(await admitAt(store, "tpd", tomorrow)).toMatchObject({ admitted: true, counts: { tokensToday: 0 } });
      const usage = await store.clientKeyUsage("tpd", "2026-01-02");
      expect(usage.map(({ day, requests, promptTokens, completionTokens }) => ({ day, requests, promptTokens, completionTokens }))).toEqual([
        { day: "2026-01-02", requests: 1, promptTokens: 20, completionTokens: 30 },
        { day: "2026-01-03", requests: 1, promptTokens: 0, completionTokens: 0 },
      ]);
      expect((await store.clientKeyUsage("tpd", "2026-01-03")).map((row) => row.day)).toEqual(["2026-01-03"]);
    });

    test("concurrent requests: a lease per request in flight, released at its end, lapsing when never released", async () => {
      await store.createClientKey(newKey("conc", { concurrentRequests: 1 }));
      const first = await admitAt(store, "conc", T0);
      expect(first).toMatchObject({ admitted: true, leaseTaken: true, counts: { inFlight: 1 } });
      expect(await admitAt(store, "conc", T0 + 1)).toMatchObject({ admitted: false, refusedBy: "concurrent-requests", counts: { inFlight: 1 } });
      await finishAt(store, "conc", T0 + 2, { prompt: 0, completion: 0 }, `lease-${leases - 1}`);
      expect((await admitAt(store, "conc", T0 + 3)).admitted).toBe(true);
      // never released (a crashed instance): lapses at its expiry
      expect((await admitAt(store, "conc", T0 + 4)).admitted).toBe(false);
      expect((await admitAt(store, "conc", T0 + 3 + 10 * MINUTE)).admitted).toBe(true);
    });

    test("a key without limits takes no lease; an unknown key is refused", async () => {
      await store.createClientKey(newKey("free"));
      expect(await admitAt(store, "free", T0)).toMatchObject({ admitted: true, leaseTaken: false });
      expect(await admitAt(store, "gone", T0)).toMatchObject({ admitted: false, refusedBy: "unknown-key", key: null });
    });

    test("concurrent admissions never pass a limit", async () => {
      await store.createClientKey(newKey("race", { requestsPerMinute: 5 }));
      await store.createClientKey(newKey("race-c", { concurrentRequests: 3 }));
      const rpm = await Promise.all(Array.from({ length: 20 }, () => admitAt(store, "race", T0 + 10)));
      const conc = await Promise.all(Array.from({ length: 20 }, () => admitAt(store, "race-c", T0 + 10)));
      expect(rpm.filter((result) => result.admitted).length).toBe(5);
      expect(conc.filter((result) => result.admitted).length).toBe(3);
    });
  });
}
