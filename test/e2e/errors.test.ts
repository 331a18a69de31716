/**
 * End-to-end: bad input tried as a new user would, and upstream failures, each answered with OpenAI's error shape
 * and the right status (surfacing as the right `openai` SDK error class); the server keeps serving after each.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Ajv, type AnySchema } from "ajv";
import OpenAI from "openai";
import type { EmulatedAccount } from "../emulator/index.ts";
import { type Harness, post, startHarness } from "./harness.ts";

let h: Harness;
let plus: EmulatedAccount;
const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

beforeAll(async () => {
  h = await startHarness();
  plus = h.emulator.addAccount({ plan: "plus" });
});
afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
});

async function expectError(response: Response, status: number, fields: { param?: string | null; code?: string | null; type?: string }) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toStartWith("application/json");
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(typeof body.error.message).toBe("string");
  expect(body.error).toMatchObject(fields);
  // the server keeps serving
  expect((await h.fetch("/v1/models")).status).toBe(200);
  return body.error;
}

describe("bad input", () => {
  test.each([
    ["an empty body", "", 400, {}],
    ["invalid JSON", "{\"model\": ", 400, { code: "invalid_json" }],
    ["messages not an array", { model: "gpt-4o-mini", messages: "hi" }, 400, { param: "messages" }],
    ["no messages", { model: "gpt-4o-mini" }, 400, { param: "messages" }],
    ["an empty messages array", { model: "gpt-4o-mini", messages: [] }, 400, { param: "messages" }],
    ["a wrong role", { model: "gpt-4o-mini", messages: [{ role: "wizard", content: "hi" }] }, 400, { param: "messages[0].role" }],
    ["a wrong type for stream", { ...chat, stream: "yes" }, 400, { param: "stream" }],
    ["n above 1", { ...chat, n: 3 }, 400, { param: "n" }],
    ["an unknown model", { ...chat, model: "gpt-99-ultra" }, 404, { param: "model", code: "model_not_found" }],
  ])("%s → %i in OpenAI's error shape", async (_name, body, status, fields) => {
    await expectError(await h.fetch("/v1/chat/completions", post(body)), status, { type: expect.any(String), ...fields });
  });

  test("a 10 MB body → 413", async () => {
    const huge = { ...chat, messages: [{ role: "user", content: "x".repeat(10 * 1024 * 1024) }] };
    await expectError(await h.fetch("/v1/chat/completions", post(huge)), 413, { code: "request_too_large" });
  });

  test("an unknown route → 404 naming it", async () => {
    const error = await expectError(await h.fetch("/v1/nothing-here"), 404, {});
    expect(error.message).toContain("/v1/nothing-here");
  });

  test("a stream request that fails validation gets a JSON error, not an event stream", async () => {
    await expectError(await h.fetch("/v1/chat/completions", post({ ...chat, model: "nope", stream: true })), 404, { code: "model_not_found" });
  });

  test("the SDK surfaces an unknown model as NotFoundError with code model_not_found", async () => {
    const error = await h.client().chat.completions.create({ ...chat, model: "gpt-99-ultra" } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
  });
});

describe("a wrong key when AUTHORIZATION is set", () => {
  test("→ 401 invalid_api_key, and a right key is served", async () => {
    await using locked = await startHarness({ env: { AUTHORIZATION: "pool-key-1" } });
    const error = await locked.client("wrong-key").chat.completions.create(chat as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
    const missing = await locked.fetch("/v1/chat/completions", post(chat));
    expect(missing.status).toBe(401);
    const served = await locked.client("pool-key-1").chat.completions.create(chat as never);
    expect(served.choices[0]?.message.content).toBe("You said: hi");
  });
});

describe("upstream failures before the first byte keep their real status", () => {
  test("an expired access token → 401 AuthenticationError", async () => {
    const expired = h.emulator.issueAccessToken(plus.id, { expiresInSec: -60 });
    const error = await h.client(expired).chat.completions.create(chat as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("access token");
  });

  test("a usage cap → 429 RateLimitError with Retry-After, and the cap is honoured without asking upstream again", async () => {
    h.emulator.inject({ endpoint: "conversation", account: plus.id, kind: { type: "cap", clearsInSec: 120, model: "gpt-4o" } });
    const error = await h.client(plus.accessToken).chat.completions.create({ ...chat, model: "gpt-4o" } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const retryAfter = Number((error as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);
    const conversationsBefore = h.emulator.stats().conversations;
    const logBefore = h.emulator.log.length;
    const again = await h.client(plus.accessToken).chat.completions.create({ ...chat, model: "gpt-4o" } as never).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(OpenAI.RateLimitError);
    expect(h.emulator.log.length).toBe(logBefore);
    expect(h.emulator.stats().conversations).toBe(conversationsBefore);
    h.emulator.reset();
  });

  test.each([
    ["a Cloudflare challenge page", { type: "cloudflare" } as const, 503, "Cloudflare"],
    ["an upstream 500", { type: "status", status: 500 } as const, 502, "HTTP 500"],
    ["an upstream 503", { type: "status", status: 503 } as const, 502, "HTTP 503"],
    ["a stream that fails before any assistant message", { type: "error-event", afterEvents: 0 } as const, 503, "no reply"],
  ])("%s → %i with a message that says what happened", async (_name, kind, status, words) => {
    // every attempt (1 + RETRY_TIMES) meets the fault
    h.emulator.inject({ endpoint: "conversation", account: "anon", times: 10, kind });
    const response = await h.fetch("/v1/chat/completions", post(chat));
    const error = await expectError(response, status, { type: "upstream_error" });
    expect(String(error.message)).toContain(words);
    expect(response.headers.get("x-should-retry")).toBe("false");
    h.emulator.clearFaults();
  });

  test("a proof-of-work harder than POW_DIFFICULTY → 503 and no conversation is sent", async () => {
    h.emulator.inject({ endpoint: "requirements", account: "anon", times: 10, kind: { type: "pow-difficulty", difficulty: "000001" } });
    const before = h.emulator.stats().conversations;
    const error = await expectError(await h.fetch("/v1/chat/completions", post(chat)), 503, { code: "upstream_pow_too_hard" });
    expect(String(error.message)).toContain("000001");
    expect(h.emulator.stats().conversations).toBe(before);
    h.emulator.clearFaults();
  });

  test("an answer that arrives already finished (no in_progress snapshots) is still delivered whole", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "no-in-progress" } });
    const completion = await h.client().chat.completions.create(chat as never);
    expect(completion.choices[0]?.message.content).toBe("You said: hi");
  });

  test("one 500 is retried and the request still succeeds", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", times: 1, kind: { type: "status", status: 500 } });
    const completion = await h.client().chat.completions.create(chat as never);
    expect(completion.choices[0]?.message.content).toBe("You said: hi");
  });
});

describe("failures after the first byte", () => {
  test.each([
    ["a stream cut mid-way", { type: "cut", afterEvents: 4 } as const],
    ["an error event inside the stream", { type: "error-event", afterEvents: 4, message: "Something went wrong upstream" } as const],
  ])("%s: the SDK iterator throws an APIError; the stream does not end as an answer", async (_name, kind) => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind });
    const stream = await h.client().chat.completions.create({ ...chat, messages: [{ role: "user", content: "long [[words:80]]" }], stream: true });
    let text = "";
    let finish: string | null = null;
    const error = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(finish).toBeNull();
    expect(text.length).toBeGreaterThan(0);
  });

  test("the same failure without streaming → 502, not a truncated 200", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "cut", afterEvents: 4 } });
    const response = await h.fetch("/v1/chat/completions", post({ ...chat, messages: [{ role: "user", content: "long [[words:80]]" }] }));
    await expectError(response, 502, { type: "upstream_error" });
  });
});

describe("a client that goes away", () => {
  test("closing a stream mid-way cancels the upstream reply, and the request log records 499", async () => {
    h.emulator.inject({ endpoint: "conversation", account: "anon", kind: { type: "slow", delayMs: 100 } });
    const aborter = new AbortController();
    const response = await h.fetch("/v1/chat/completions", {
      ...post({ ...chat, messages: [{ role: "user", content: "long [[words:200]]" }], stream: true }),
      signal: aborter.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    aborter.abort();
    const logged = async (): Promise<number[]> => {
      const body = (await (await h.fetch("/admin/api/requests?limit=5")).json()) as { data: Array<{ status: number }> };
      return body.data.map((row) => row.status);
    };
    for (let i = 0; i < 100 && !(await logged()).includes(499); i++) await Bun.sleep(20);
    expect(await logged()).toContain(499);
  });
});

describe("HTTP conventions", () => {
  test("CORS preflight names Authorization explicitly; responses carry x-request-id", async () => {
    const preflight = await h.fetch("/v1/chat/completions", {
      method: "OPTIONS",
      headers: { origin: "https://ui.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://ui.example");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const models = await h.fetch("/v1/models", { headers: { origin: "https://ui.example" } });
    expect(models.headers.get("access-control-allow-origin")).toBe("https://ui.example");
    expect(models.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  test("/v1/models lists OpenAI-style ids and /v1/models/{id} retrieves one", async () => {
    const list = await h.client().models.list();
    const ids = list.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(["gpt-4o", "gpt-4o-mini", "o3", "gpt-5", "gpt-5-thinking", "auto"]));
    expect(list.data[0]).toEqual({ id: expect.any(String), object: "model", created: expect.any(Number), owned_by: expect.any(String) });
    expect(await h.client().models.retrieve("gpt-4o")).toMatchObject({ id: "gpt-4o", object: "model" });
    const missing = await h.client().models.retrieve("nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("GET / is the console's playground, linking the API docs, the models and the accounts page", async () => {
    const home = await h.fetch("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toStartWith("text/html");
    const html = await home.text();
    for (const link of ['href="/swagger"', 'href="/v1/models"', 'href="/console/accounts"']) expect(html).toContain(link);
  });

  test("Swagger UI and the OpenAPI document are served without internet", async () => {
    const page = await h.fetch("/swagger");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/swagger/assets/swagger-ui-bundle.js");
    const bundle = await h.fetch("/swagger/assets/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toStartWith("application/javascript");
    expect(await bundle.text()).toContain("SwaggerUIBundle");
    const css = await h.fetch("/swagger/assets/swagger-ui.css");
    expect([css.status, css.headers.get("content-type")]).toEqual([200, "text/css; charset=utf-8"]);
    expect((await css.text()).length).toBeGreaterThan(1000);
    const spec = (await (await h.fetch("/swagger/json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/v1/chat/completions", "/v1/models", "/v1/models/{model}"]));
  });

  test("the JSON bodies the API routes check are in the OpenAPI document, with their required fields", async () => {
    type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: string[]; properties?: object } }> } };
    const spec = (await (await h.fetch("/swagger/json")).json()) as { paths: Record<string, { post?: Operation }> };
    const required = (path: string) => {
      const body = spec.paths[path]?.post?.requestBody;
      return { required: body?.required, fields: body?.content?.["application/json"]?.schema?.required };
    };
    expect(required("/v1/chat/completions")).toEqual({ required: true, fields: expect.arrayContaining(["model", "messages"]) });
    expect(required("/v1/responses")).toEqual({ required: true, fields: expect.arrayContaining(["model", "input"]) });
    expect(required("/v1/images/generations")).toEqual({ required: true, fields: expect.arrayContaining(["prompt"]) });
  });

  test("the model list and a model are documented, and what the routes answer fits what is documented", async () => {
    type Schema = AnySchema & { required?: string[] };
    type Operation = { parameters?: Array<{ in: string; name: string; required?: boolean }>; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
    const spec = (await (await h.fetch("/swagger/json")).json()) as { paths: Record<string, { get?: Operation }> };
    const answer = (path: string) => spec.paths[path]?.get?.responses?.["200"]?.content?.["application/json"]?.schema;
    const [list, one] = [answer("/v1/models"), answer("/v1/models/{model}")];
    expect(list?.required).toEqual(["object", "data"]);
    expect(one?.required).toEqual(["id", "object", "created", "owned_by"]);
    expect(spec.paths["/v1/models/{model}"]?.get?.parameters).toEqual([expect.objectContaining({ in: "path", name: "model", required: true })]);
    const listed = await (await h.fetch("/v1/models")).json();
    const retrieved = await (await h.fetch("/v1/models/gpt-4o")).json();
    const ajv = new Ajv({ strict: false });
    const [fitsList, fitsOne] = [ajv.compile(list ?? false), ajv.compile(one ?? false)];
    expect([fitsList(listed), fitsOne(retrieved)]).toEqual([true, true]);
    // a reply with a field missing would not fit: the check is not vacuous
    const { owned_by: _, ...withoutOwner } = retrieved as Record<string, unknown>;
    expect(fitsOne(withoutOwner)).toBe(false);
  });
});
