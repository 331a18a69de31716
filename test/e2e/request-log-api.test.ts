/**
 * @module The request log end to end (issue 11): every request is a row with the x-request-id its client got, the
 * engine and the attempts it made, failed ones too (a 429 on one account then a success on another, every attempt
 * failing, an unknown model, a wrong key, a resting pool); the management API's filters and the CSV.
 */
import { describe, expect, test } from "bun:test";
import { type Harness, post, startHarness } from "./harness.ts";

const POOL_KEY = "sk-pool-requests-e2e-0123456789";
const ADMIN_KEY = "admin-requests-e2e-0123456789";

interface Attempt {
  accountId: string | null;
  accountLabel: string | null;
  outcome: string;
  status: number | null;
}
interface Row {
  id: number;
  requestId: string | null;
  clientKey: string;
  keyName: string | null;
  accountId: string | null;
  model: string;
  engine: string | null;
  status: number;
  error: string | null;
  latencyMs: number;
  ttftMs: number | null;
  attempts: Attempt[];
}

interface RequestsHarness extends Harness {
  admin(path: string, init?: RequestInit): Promise<Response>;
  rows(query?: string): Promise<Row[]>;
  /** Sends a chat; returns its status and x-request-id. */
  chat(model: string, bearer?: string): Promise<{ status: number; requestId: string }>;
  waitForRow(requestId: string): Promise<Row>;
}

async function start(): Promise<RequestsHarness & { accountIds: string[]; emulatorIds: string[] }> {
  const harness = await startHarness({ env: { AUTHORIZATION: POOL_KEY, ADMIN_KEY } });
  const admin = (path: string, init: RequestInit = {}) =>
    harness.fetch(`/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers } });
  const emulatorAccounts = [harness.emulator.addAccount({ plan: "plus" }), harness.emulator.addAccount({ plan: "plus" })];
  const added = await admin("/accounts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tokens: emulatorAccounts.map((a) => a.accessToken).join("\n") }),
  });
  expect(added.status).toBe(200);
  const listed = (await (await admin("/accounts")).json()) as { data: Array<{ id: string }> };
  const rows = async (query = "") => ((await (await admin(`/requests${query}`)).json()) as { data: Row[] }).data;
  return Object.assign(harness, {
    admin,
    rows,
    accountIds: listed.data.map((a) => a.id),
    emulatorIds: emulatorAccounts.map((a) => a.id),
    async chat(model: string, bearer = POOL_KEY) {
      const response = await harness.fetch("/v1/chat/completions", post({ model, messages: [{ role: "user", content: "hello" }] }, bearer));
      await response.arrayBuffer();
      return { status: response.status, requestId: response.headers.get("x-request-id") ?? "" };
    },
    async waitForRow(requestId: string) {
      // the log is written behind the request; a read writes what waits first, so one read after the answer finds it
      for (let i = 0; i < 200; i++) {
        const row = (await rows()).find((r) => r.requestId === requestId);
        if (row) return row;
        await Bun.sleep(10);
      }
      throw new Error(`no row for ${requestId}`);
    },
  });
}

describe("the request log", () => {
  test("a 429 on one account then a success on another is one row with both attempts and the client's request id", async () => {
    await using h = await start();
    // whichever account goes first is capped: the second answers
    h.emulator.inject({ endpoint: "conversation", kind: { type: "cap", clearsInSec: 3600 } });
    const { status, requestId } = await h.chat("gpt-4o");
    expect(status).toBe(200);
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    const row = await h.waitForRow(requestId);
    expect(row).toMatchObject({ status: 200, engine: "web", model: "gpt-4o", error: null });
    expect(row.attempts.map((a) => [a.outcome, a.status])).toEqual([
      ["capped", 429],
      ["success", 200],
    ]);
    const [first, second] = row.attempts;
    expect(new Set([first?.accountId, second?.accountId])).toEqual(new Set(h.accountIds));
    expect(row.accountId).toBe(second?.accountId ?? "");
    expect(first?.accountLabel).toMatch(/^.{6}….{4}$/);
    expect(row.ttftMs).not.toBeNull();
    expect(row.latencyMs).toBeGreaterThanOrEqual(row.ttftMs ?? 0);
    // the access log names the same id
    expect(h.logs.some((line) => line.includes(requestId) && line.includes('"msg":"request"'))).toBe(true);
  });

  test("every attempt failing is a 502 row with each attempt; an unknown model, a wrong key and a resting pool are rows too", async () => {
    await using h = await start();
    h.emulator.inject({ endpoint: "conversation", kind: { type: "status", status: 502 }, times: 10 });
    const failed = await h.chat("gpt-4o");
    expect(failed.status).toBe(502);
    const row = await h.waitForRow(failed.requestId);
    expect(row).toMatchObject({ status: 502, engine: "web", error: expect.any(String), ttftMs: null });
    expect(row.attempts.map((a) => [a.outcome, a.status])).toEqual([
      ["server-error", 502],
      ["server-error", 502],
    ]);
    expect(new Set(row.attempts.map((a) => a.accountId))).toEqual(new Set(h.accountIds));
    h.emulator.clearFaults();

    const unknown = await h.chat("no-such-model-xyz");
    expect(unknown.status).toBe(404);
    expect(await h.waitForRow(unknown.requestId)).toMatchObject({ status: 404, error: "model_not_found", attempts: [], model: "no-such-model-xyz" });

    const wrongKey = await h.chat("gpt-4o", "sk-wrong-key-000000");
    expect(wrongKey.status).toBe(401);
    expect(await h.waitForRow(wrongKey.requestId)).toMatchObject({ status: 401, attempts: [], clientKey: expect.stringMatching(/^key:[0-9a-f]{8}$/) });

    // both accounts capped for gpt-4o: the pool rests, the next request is refused before any attempt
    h.emulator.inject({ endpoint: "conversation", kind: { type: "cap", clearsInSec: 3600 }, times: 2 });
    expect((await h.chat("gpt-4o")).status).toBe(429);
    const resting = await h.chat("gpt-4o");
    expect(resting.status).toBe(429);
    expect(await h.waitForRow(resting.requestId)).toMatchObject({ status: 429, attempts: [], error: expect.any(String) });
  });

  test("a body refused before any service ran (invalid, unparsable) is a row too, once, with its 400", async () => {
    await using h = await start();
    const send = async (body: string) => {
      const response = await h.fetch("/v1/chat/completions", post(body, POOL_KEY));
      await response.arrayBuffer();
      return { status: response.status, requestId: response.headers.get("x-request-id") ?? "" };
    };
    const invalid = await send(JSON.stringify({ model: "gpt-4o", messages: "not a list" }));
    expect(invalid.status).toBe(400);
    expect(await h.waitForRow(invalid.requestId)).toMatchObject({ status: 400, model: "gpt-4o", attempts: [], error: expect.any(String) });
    const broken = await send("{ not json");
    expect(broken.status).toBe(400);
    expect(await h.waitForRow(broken.requestId)).toMatchObject({ status: 400, model: "", error: "invalid_json" });
    // a request a service took on is logged by it alone: one row per request id
    const served = await h.chat("gpt-4o");
    await h.waitForRow(served.requestId);
    const ids = (await h.rows()).map((row) => row.requestId);
    expect(ids.filter((id) => id === invalid.requestId || id === broken.requestId || id === served.requestId)).toHaveLength(3);
  });

  test("filters narrow the log, the cursor pages on, and the CSV holds the rows", async () => {
    await using h = await start();
    const ok = await h.chat("gpt-4o");
    h.emulator.inject({ endpoint: "conversation", kind: { type: "status", status: 502 }, times: 10 });
    const failed = await h.chat("gpt-4o");
    const unknown = await h.chat("no-such-model-xyz");
    await h.waitForRow(unknown.requestId);
    const ids = async (query: string) => (await h.rows(query)).map((r) => r.requestId);
    expect(await ids("")).toEqual([unknown.requestId, failed.requestId, ok.requestId]);
    expect(await ids("?status=error")).toEqual([unknown.requestId, failed.requestId]);
    expect(await ids("?status=5xx")).toEqual([failed.requestId]);
    expect(await ids("?status=200")).toEqual([ok.requestId]);
    expect(await ids("?model=no-such-model-xyz")).toEqual([unknown.requestId]);
    expect(await ids("?engine=web&status=2xx")).toEqual([ok.requestId]);
    expect(await ids("?engine=codex")).toEqual([]);
    const okRow = (await h.rows("?status=200"))[0];
    expect(await ids(`?account=${okRow?.accountId ?? ""}&status=200`)).toEqual([ok.requestId]);
    expect(await ids(`?key=${okRow?.clientKey ?? ""}`)).toHaveLength(3);
    expect(await ids("?key=anonymous")).toEqual([]);
    expect(await ids(`?since=${Date.now() + 60_000}`)).toEqual([]);
    expect(await ids(`?until=${new Date(Date.now() + 60_000).toISOString()}`)).toHaveLength(3);
    const page = (await (await h.admin("/requests?limit=2")).json()) as { data: Row[]; next: number | null };
    expect(page.data.map((r) => r.requestId)).toEqual([unknown.requestId, failed.requestId]);
    expect(await ids(`?limit=2&cursor=${page.next ?? 0}`)).toEqual([ok.requestId]);
    expect((await h.admin("/requests?status=abc")).status).toBe(400);
    // the query's numbers: a 400 that says what is wanted, never a 500 (limit=2.5 once reached SQLite)
    // each refusal names its parameter, also when Elysia judged the converted number on its own (2.5, 5000, 0)
    const refusals: Array<[string, string, string]> = [
      ["/requests?limit=abc", "limit", "Invalid value for 'limit': expected integer from 1 to 1000."],
      ["/requests?limit=2.5", "limit", "Invalid value for 'limit': expected integer from 1 to 1000."],
      ["/requests?limit=5000", "limit", "Invalid value for 'limit': expected integer from 1 to 1000."],
      ["/requests?cursor=x", "cursor", "Invalid value for 'cursor': expected integer ≥ 1."],
      ["/requests?limit=10&cursor=0", "cursor", "Invalid value for 'cursor': expected integer ≥ 1."],
      ["/requests.csv?limit=20000", "limit", "Invalid value for 'limit': expected integer from 1 to 10000."],
    ];
    for (const [path, param, message] of refusals) {
      const refused = await h.admin(path);
      const { error } = (await refused.json()) as { error: { message: string; param: string | null; type: string } };
      expect([refused.status, error.param, error.message, error.type]).toEqual([400, param, message, "invalid_request_error"]);
    }

    const csv = await h.admin("/requests.csv?status=error");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,time,request_id,client_key,key_name,account_id,account,model,engine,status,error,latency_ms,ttft_ms,prompt_tokens,completion_tokens,attempts");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(unknown.requestId);
    expect(lines[2]).toContain(failed.requestId);
    expect(lines[2]).toMatch(/,502,.*server-error 502 \| .*server-error 502$/);
    expect((await h.fetch("/admin/api/requests.csv")).status).toBe(401);
  });
});

describe("requests a client key's gate refuses", () => {
  test("a model outside the key's list (404) and a revoked key (401) are rows under the key's name", async () => {
    await using h = await start();
    const json = { "content-type": "application/json" };
    const created = await h.admin("/keys", { method: "POST", headers: json, body: JSON.stringify({ name: "carol", models: ["gpt-4o"] }) });
    const { key, secret } = (await created.json()) as { key: { id: string }; secret: string };
    const outside = await h.chat("gpt-4o-mini", secret);
    expect(outside.status).toBe(404);
    expect(await h.waitForRow(outside.requestId)).toMatchObject({ status: 404, keyName: "carol", model: "gpt-4o-mini", error: "model_not_found", engine: null, attempts: [] });
    expect((await h.admin(`/keys/${key.id}`, { method: "DELETE" })).status).toBe(200);
    const revoked = await h.chat("gpt-4o", secret);
    expect(revoked.status).toBe(401);
    expect(await h.waitForRow(revoked.requestId)).toMatchObject({ status: 401, keyName: "carol", attempts: [] });
    expect((await h.rows(`?key=${key.id}`)).map((r) => r.requestId)).toEqual([revoked.requestId, outside.requestId]);
  });
});

describe("the request log of the Codex engine, and the docs", () => {
  test("a 503 from one Codex account then a success on another is a codex row with both attempts", async () => {
    await using h = await start();
    const codex = [h.emulator.addCodexAccount({ plan: "plus" }), h.emulator.addCodexAccount({ plan: "plus" })];
    const added = await h.admin("/accounts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tokens: codex.map((a) => a.accessToken).join("\n") }),
    });
    expect(added.status).toBe(200);
    h.emulator.inject({ endpoint: "codex", kind: { type: "status", status: 503, detail: "overloaded" } });
    const { status, requestId } = await h.chat("gpt-5.5");
    expect(status).toBe(200);
    const row = await h.waitForRow(requestId);
    expect(row).toMatchObject({ engine: "codex", status: 200, model: "gpt-5.5", error: null });
    expect(row.attempts.map((a) => [a.outcome === "success" ? "success" : "failed", a.status])).toEqual([
      ["failed", 503],
      ["success", 200],
    ]);
    expect(row.attempts[0]?.accountId).not.toBe(row.attempts[1]?.accountId);
    expect(await h.rows("?engine=codex")).toHaveLength(1);
  });

  test("both routes are in the OpenAPI document with their filters", async () => {
    await using h = await start();
    const doc = (await (await h.fetch("/swagger/json")).json()) as { paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> };
    const params = doc.paths["/admin/api/requests"]?.get?.parameters?.map((p) => p.name).sort();
    expect(params).toEqual(["account", "cursor", "engine", "key", "limit", "model", "since", "status", "until"]);
    expect(doc.paths["/admin/api/requests.csv"]?.get).toBeDefined();
  });
});
