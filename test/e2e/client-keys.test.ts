/**
 * @module Client keys end to end (issue 11), through the `openai` SDK against chat2api and the emulator: a key made
 * with the management API serves from the pool and its usage appears; its limits answer 429 with OpenAI's rate-limit
 * headers; a model outside its list is 404; a revoked key is 401; AUTHORIZATION keys stay unlimited.
 */
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { withinOneMinuteWindow } from "../support/minute-window.ts";
import { type Harness, startHarness } from "./harness.ts";

const POOL_KEY = "sk-pool-keys-e2e-0123456789";
const ADMIN_KEY = "admin-keys-e2e-0123456789";

interface KeyWithSecret {
  key: { id: string; status: string; hint: string };
  secret: string;
}

async function start(): Promise<Harness & { admin(method: string, path: string, body?: unknown): Promise<Response> }> {
  const harness = await startHarness({ env: { AUTHORIZATION: POOL_KEY, ADMIN_KEY } });
  const admin = (method: string, path: string, body?: unknown) =>
    harness.fetch(`/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const account = harness.emulator.addAccount({ plan: "plus" });
  expect((await admin("POST", "/accounts", { tokens: account.accessToken })).status).toBe(200);
  return Object.assign(harness, { admin });
}

async function createKey(admin: (method: string, path: string, body?: unknown) => Promise<Response>, body: Record<string, unknown>): Promise<KeyWithSecret> {
  const response = await admin("POST", "/keys", body);
  expect(response.status).toBe(200);
  return (await response.json()) as KeyWithSecret;
}

const ask = (client: OpenAI, model = "gpt-4o") => client.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] });

async function errorOf(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("client keys", () => {
  test("a key made through the API answers from the pool, its usage appears, and the secret is never listed", async () => {
    await using harness = await start();
    const { key, secret } = await createKey(harness.admin, { name: "alice" });
    expect(secret).toMatch(/^sk-c2a-[A-Za-z0-9_-]{43}$/);
    const reply = await ask(harness.client(secret));
    expect(reply.choices[0]?.message.content).toBeTruthy();
    const usage = async () => ((await (await harness.admin("GET", `/keys/${key.id}/usage?days=2`)).json()) as { data: Array<{ requests: number; totalTokens: number }> }).data;
    await until(async () => (await usage())[1]?.totalTokens === reply.usage?.total_tokens, "the reply's tokens in the key's usage");
    expect((await usage()).map((day) => day.requests)).toEqual([0, 1]);
    // a number of days out of range is refused by name
    const refused = await harness.admin("GET", `/keys/${key.id}/usage?days=400`);
    expect([refused.status, ((await refused.json()) as { error: { param: string | null; message: string } }).error]).toEqual([
      400,
      expect.objectContaining({ param: "days", message: "Invalid value for 'days': expected integer from 1 to 366." }),
    ]);
    // streamed too
    const stream = await harness.client(secret).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true });
    for await (const _chunk of stream) void _chunk;
    await until(async () => (await usage())[1]?.requests === 2, "the streamed request counted");
    const listed = await (await harness.admin("GET", "/keys")).text();
    expect(listed).not.toContain(secret);
    expect(listed).toContain(key.hint);
    expect(harness.logs.join("\n")).not.toContain(secret);
  });

  test("over its requests per minute a key gets 429 rate_limit_exceeded with OpenAI's headers; the pool key is unlimited", async () => {
    await using harness = await start();
    const { secret } = await createKey(harness.admin, { name: "rpm", requestsPerMinute: 2, tokensPerMinute: 1_000_000 });
    await withinOneMinuteWindow();
    const client = harness.client(secret);
    const first = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "one" }] }).withResponse();
    expect(first.response.headers.get("x-ratelimit-limit-requests")).toBe("2");
    expect(first.response.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    await ask(client);
    const refused = await errorOf(ask(client));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe("rate_limit_exceeded");
    const headers = refused.headers;
    expect(headers?.get("x-ratelimit-limit-requests")).toBe("2");
    expect(headers?.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(headers?.get("x-ratelimit-reset-requests")).toMatch(/^(\d+m)?\d+(ms|s)$/);
    expect(headers?.get("x-ratelimit-limit-tokens")).toBe("1000000");
    expect(headers?.get("x-ratelimit-remaining-tokens")).toMatch(/^\d+$/);
    expect(headers?.get("x-ratelimit-reset-tokens")).toMatch(/^(\d+m)?\d+(ms|s)$/);
    expect(Number(headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) expect((await ask(harness.client(POOL_KEY))).choices.length).toBe(1);
  });

  test("a model outside the key's list is 404 model_not_found, as if it did not exist", async () => {
    await using harness = await start();
    const { secret } = await createKey(harness.admin, { name: "mini only", models: ["gpt-4o-mini"] });
    const refused = await errorOf(ask(harness.client(secret), "gpt-4o"));
    expect([refused.status, refused.code, refused.param]).toEqual([404, "model_not_found", "model"]);
    expect(refused.message).toContain("The model `gpt-4o` does not exist or you do not have access to it.");
    expect((await ask(harness.client(secret), "gpt-4o-mini")).choices.length).toBe(1);
    // and it is all the key is shown: the list and the retrieval answer as if the others did not exist
    const listed = (await harness.client(secret).models.list()).data.map((model) => model.id);
    expect(listed).toEqual(["gpt-4o-mini"]);
    const hidden = await errorOf(harness.client(secret).models.retrieve("gpt-4o"));
    expect([hidden.status, hidden.code]).toEqual([404, "model_not_found"]);
    expect((await harness.client(POOL_KEY).models.list()).data.length).toBeGreaterThan(1);
  });

  test("a revoked key is 401, an unknown one too, an expired one too; a rotated key's old secret stops working", async () => {
    await using harness = await start();
    const { key, secret } = await createKey(harness.admin, { name: "soon gone" });
    expect((await ask(harness.client(secret))).choices.length).toBe(1);
    const revoked = await harness.admin("DELETE", `/keys/${key.id}`);
    expect(((await revoked.json()) as { status: string }).status).toBe("revoked");
    expect((await errorOf(ask(harness.client(secret)))).status).toBe(401);
    expect((await errorOf(harness.client(secret).models.list())).status).toBe(401);
    expect((await errorOf(ask(harness.client(`${secret.slice(0, -4)}zzzz`)))).status).toBe(401);

    const expired = await createKey(harness.admin, { name: "expired", expiresAt: Date.now() - 1 });
    expect(expired.key.status).toBe("expired");
    expect((await errorOf(ask(harness.client(expired.secret)))).status).toBe(401);

    const kept = await createKey(harness.admin, { name: "rotated", requestsPerMinute: 50 });
    const rotated = (await (await harness.admin("POST", `/keys/${kept.key.id}/rotate`)).json()) as KeyWithSecret;
    expect(rotated.key.id).toBe(kept.key.id);
    expect((await errorOf(ask(harness.client(kept.secret)))).status).toBe(401);
    expect((await ask(harness.client(rotated.secret))).choices.length).toBe(1);
  });

  test("concurrent requests over the key's limit: at most the limit run at once, the rest are 429 until one ends", async () => {
    await using harness = await start();
    const { key, secret } = await createKey(harness.admin, { name: "one at a time", concurrentRequests: 1 });
    const client = harness.client(secret);
    harness.emulator.inject({ endpoint: "conversation", times: 1, kind: { type: "hold", afterEvents: 2 } });
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "long" }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const refused = await errorOf(ask(client));
    expect([refused.status, refused.code]).toEqual([429, "rate_limit_exceeded"]);
    expect(refused.headers?.get("retry-after")).toBe("1");
    harness.emulator.releaseHeld();
    for (let next = await iterator.next(); !next.done; next = await iterator.next());
    await until(async () => (await ask(client).then(() => true, () => false)), "the slot freed by the stream's end");
    const patched = await harness.admin("PATCH", `/keys/${key.id}`, { concurrentRequests: null, name: "free" });
    expect(await patched.json()).toMatchObject({ concurrentRequests: null, name: "free", status: "active" });
    await Promise.all([ask(client), ask(client)]);
  });

  test("the management API answers 404 for an unknown key and refuses a caller without the admin key", async () => {
    await using harness = await start();
    expect((await harness.admin("PATCH", "/keys/key_missing", { name: "x" })).status).toBe(404);
    expect((await harness.admin("GET", "/keys/key_missing/usage")).status).toBe(404);
    expect((await harness.fetch("/admin/api/keys", { headers: { authorization: `Bearer ${POOL_KEY}` } })).status).toBe(401);
    expect((await harness.admin("POST", "/keys", { name: "" })).status).toBe(400);
    const swagger = await (await harness.fetch("/swagger/json")).text();
    expect(swagger).toContain("/admin/api/keys/{id}/rotate");
  });
});
