/**
 * End-to-end: the pass-through gateway (ENABLE_GATEWAY). chat2api A uses chat2api B as its CHATGPT_BASE_URL and B
 * forwards /backend-api and /backend-anon to the strict emulator, so the whole sentinel handshake (requirements,
 * proof-of-work, conversation; in 2026 mode also the conduit) crosses B. A scripted upstream checks what only it can see: streaming both ways,
 * hop-by-hop headers, cookies, redirects, and a client that leaves mid-stream.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { EmulatorOptions } from "../emulator/index.ts";
import { isConversationWrite, messagePaths } from "../support/web-generation.ts";
import { type Harness, startHarness } from "./harness.ts";

const chat = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "through the gateway" }] };

interface Chain extends AsyncDisposable {
  /** chat2api A: the OpenAI API, with B as its upstream. */
  front: Harness;
  /** chat2api B: the gateway, with the emulator as its upstream. */
  gateway: Harness;
}

async function startChain(options: { emulator?: EmulatorOptions; gatewayEnv?: Record<string, string>; frontEnv?: Record<string, string> } = {}): Promise<Chain> {
  // B solves no proof-of-work itself: one worker is plenty
  const gateway = await startHarness({ emulator: options.emulator, env: { POW_WORKERS: "1", ...options.gatewayEnv } });
  const front = await startHarness({ env: { CHATGPT_BASE_URL: gateway.server.url, ...options.frontEnv } });
  return {
    front,
    gateway,
    async [Symbol.asyncDispose]() {
      await front[Symbol.asyncDispose]();
      await gateway[Symbol.asyncDispose]();
    },
  };
}

async function streamedText(stream: AsyncIterable<ChatCompletionChunk>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

/**
 * What the emulator logs for one message that went through, in the generation under test: each call 200, the proof
 * checked where it is presented (2026's finalize, and the write), the write in the stream's encoding.
 */
function messageLog(backend: "/backend-api" | "/backend-anon", account: string, encoding: "v1" | "legacy") {
  return messagePaths(backend).map((path) => ({
    method: "POST",
    path,
    status: 200,
    account,
    powVerified: path.endsWith("/finalize") || isConversationWrite(path) ? true : undefined,
    encoding: isConversationWrite(path) ? encoding : undefined,
  }));
}

/** What the emulator saw, in the fields that tell whether the handshake went through. */
function handshake(gateway: Harness) {
  return gateway.emulator.log.map(({ method, path, status, account, powVerified, encoding }) => ({ method, path, status, account, powVerified, encoding }));
}

describe.each([
  ["delta v1", "auto", "v1"],
  ["legacy", "legacy", "legacy"],
] as const)("A → B (gateway) → emulator speaking %s", (_name, encoding, expected) => {
  let chain: Chain;
  beforeAll(async () => {
    chain = await startChain({ emulator: { encoding, chunkDelayMs: 2 } });
  });
  afterAll(async () => {
    await chain?.[Symbol.asyncDispose]();
  });

  test("an anonymous streamed chat succeeds; requirements, proof-of-work and conversation all crossed the gateway", async () => {
    chain.gateway.emulator.reset();
    const stream = await chain.front.client().chat.completions.create({ ...chat, stream: true });
    expect(await streamedText(stream)).toBe("You said: through the gateway");
    expect(handshake(chain.gateway)).toEqual(messageLog("/backend-anon", "anon", expected));
    expect(chain.gateway.emulator.stats()).toMatchObject({ conversations: 1, powVerified: 1, powRejected: 0 });
  });

  test("a chat with the caller's own access token succeeds, the token forwarded as it came", async () => {
    chain.gateway.emulator.reset();
    const account = chain.gateway.emulator.addAccount({ plan: "plus" });
    const stream = await chain.front.client(account.accessToken).chat.completions.create({ ...chat, model: "gpt-4o", stream: true });
    expect(await streamedText(stream)).toBe("You said: through the gateway");
    expect(handshake(chain.gateway)).toEqual(messageLog("/backend-api", account.id, expected));
    const tokenSeen = [...chain.front.logs, ...chain.gateway.logs].some((line) => line.includes(account.accessToken));
    expect(tokenSeen).toBe(false);
  });
});

describe("AUTH_KEY between the hops", () => {
  // B is private (AUTHORIZATION) and fronts a private upstream (its own AUTH_KEY). A proves itself to B with one of
  // B's keys as its AUTH_KEY; B keeps that key and sends its own: each hop's key stays on its hop.
  const gatewayEnv = { AUTHORIZATION: "pool-key-of-b", AUTH_KEY: "key-of-the-emulator" };

  test("A with AUTH_KEY = a key of B reaches an emulator that requires authkey; B sends its own key, never A's", async () => {
    await using chain = await startChain({ emulator: { authKey: "key-of-the-emulator" }, gatewayEnv, frontEnv: { AUTH_KEY: "pool-key-of-b" } });
    const completion = await chain.front.client().chat.completions.create(chat);
    expect(completion.choices[0]?.message.content).toBe("You said: through the gateway");
    const log = chain.gateway.emulator.log;
    expect(log.map((entry) => [entry.path, entry.status, entry.headers.authkey])).toEqual(messagePaths("/backend-anon").map((path) => [path, 200, "key-of-the-emulator"]));
    expect(JSON.stringify(log).includes("pool-key-of-b")).toBe(false);
  });

  test("A without a key of B is refused by B (401) before anything reaches the emulator", async () => {
    await using chain = await startChain({ emulator: { authKey: "key-of-the-emulator" }, gatewayEnv });
    const refused = await chain.gateway.fetch("/backend-anon/sentinel/chat-requirements", { method: "POST", body: "{}" });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const viaFront = await chain.front.fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(chat) });
    // A hands B's refusal on: a 401 that says what B wants
    expect(viaFront.status).toBe(401);
    expect(((await viaFront.json()) as { error: { message: string } }).error.message).toContain("authkey");
    expect(chain.gateway.emulator.log).toEqual([]);
  });
});

describe("ENABLE_GATEWAY and API_PREFIX", () => {
  test("ENABLE_GATEWAY=false: /backend-api/models is a 404 in OpenAI's error shape and nothing goes upstream", async () => {
    await using h = await startHarness({ env: { ENABLE_GATEWAY: "false", POW_WORKERS: "1" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const response = await h.fetch("/backend-api/models", { headers: { authorization: `Bearer ${account.accessToken}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: "Invalid URL (GET /backend-api/models)", type: "invalid_request_error", param: null, code: "unknown_url" },
    });
    expect(h.emulator.log).toEqual([]);
  });

  test("the gateway lives under API_PREFIX: /<prefix>/backend-api/models answers from upstream, /backend-api/models is 404", async () => {
    await using h = await startHarness({ env: { API_PREFIX: "hidden", POW_WORKERS: "1" } });
    const account = h.emulator.addAccount({ plan: "free" });
    // as a browser asks (a 2026 upstream refuses a call without its device id)
    const headers = { authorization: `Bearer ${account.accessToken}`, "oai-device-id": crypto.randomUUID() };
    const direct = await fetch(`${h.emulator.url}/backend-api/models`, { headers });
    const viaGateway = await h.fetch("/hidden/backend-api/models?history_and_training_disabled=false", { headers });
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.headers.get("content-type")).toBe(direct.headers.get("content-type"));
    expect(await viaGateway.json()).toEqual(await direct.json());
    expect((await h.fetch("/backend-api/models", { headers })).status).toBe(404);
  });
});

/** Sends bytes exactly as written: fetch would normalise the Connection header this test is about. */
async function rawRequest(port: number, head: string): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  let received = "";
  await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      open: (socket) => void socket.write(head),
      data: (_socket, data) => void (received += data.toString()),
      close: () => resolve(received),
      error: (_socket, error) => reject(error),
    },
  });
  return promise;
}

describe("headers", () => {
  test("hop-by-hop, forwarding and unlisted headers stay behind; the upstream sees its own origin and no client authkey", async () => {
    await using h = await startHarness({ env: { POW_WORKERS: "1" } });
    const account = h.emulator.addAccount({ plan: "plus" });
    const port = new URL(h.server.url).port;
    const response = await rawRequest(
      h.server.port,
      [
        "GET /backend-api/models HTTP/1.1",
        `Host: 127.0.0.1:${port}`,
        `Authorization: Bearer ${account.accessToken}`,
        "Connection: close, X-Hop-Secret, Cookie",
        "X-Hop-Secret: 1",
        "Cookie: dropped=because-connection-named-it",
        "Keep-Alive: timeout=5",
        "TE: trailers",
        "Upgrade: websocket",
        "Proxy-Authorization: Basic dXNlcjpwdw==",
        "X-Forwarded-For: 203.0.113.9",
        "X-Forwarded-Proto: https",
        "Forwarded: for=203.0.113.9",
        "Via: 1.1 somewhere",
        "X-Real-IP: 203.0.113.9",
        "CF-Connecting-IP: 203.0.113.9",
        "Origin: https://client.example",
        "Referer: https://client.example/chat",
        "Accept-Encoding: identity",
        "authkey: the-clients-key-for-this-hop",
        "Accept: application/json",
        "Accept-Language: de-DE",
        "User-Agent: Mozilla/5.0 (test browser)",
        "OAI-Device-Id: 3f1c1f0e-8f5e-4b8e-9a57-1f6c7d0e2a11",
        "OAI-Language: de-DE",
        "Sec-Ch-Ua-Platform: \"Linux\"",
        "Sec-Fetch-Mode: cors",
        "",
        "",
      ].join("\r\n"),
    );
    expect(response).toStartWith("HTTP/1.1 200");
    expect(h.emulator.log.map((entry) => entry.headers)).toEqual([
      {
        host: new URL(h.emulator.url).host,
        connection: "keep-alive",
        "accept-encoding": "gzip, deflate, br, zstd",
        authorization: `Bearer ${account.id}`,
        accept: "application/json",
        "accept-language": "de-DE",
        "user-agent": "Mozilla/5.0 (test browser)",
        "oai-device-id": "3f1c1f0e-8f5e-4b8e-9a57-1f6c7d0e2a11",
        "oai-language": "de-DE",
        "sec-ch-ua-platform": '"Linux"',
        "sec-fetch-mode": "cors",
        origin: h.emulator.url,
        referer: `${h.emulator.url}/`,
      },
    ]);
  });
});

/** A scripted upstream whose steps the test releases one at a time, so buffering anywhere would hang, not pass. */
function scriptedUpstream() {
  const encoder = new TextEncoder();
  const requests: Array<{ method: string; path: string; headers: Record<string, string> }> = [];
  const secondEventGate = Promise.withResolvers<void>();
  const firstBodyChunk = Promise.withResolvers<string>();
  const endlessCancelled = Promise.withResolvers<string>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      requests.push({ method: request.method, path: `${url.pathname}${url.search}`, headers: Object.fromEntries(request.headers) });
      switch (url.pathname) {
        case "/backend-api/lockstep-events":
          return new Response(
            new ReadableStream({
              async start(controller) {
                controller.enqueue(encoder.encode("data: one\n\n"));
                await secondEventGate.promise;
                controller.enqueue(encoder.encode("data: two\n\n"));
                controller.close();
              },
            }),
            { headers: { "content-type": "text/event-stream" } },
          );
        case "/backend-api/lockstep-body": {
          const chunks: string[] = [];
          const reader = (request.body as ReadableStream<Uint8Array>).getReader();
          for (let read = await reader.read(); !read.done; read = await reader.read()) {
            chunks.push(new TextDecoder().decode(read.value));
            if (chunks.length === 1) firstBodyChunk.resolve(chunks[0] ?? "");
          }
          return Response.json({ received: chunks.join("") });
        }
        case "/backend-anon/endless": {
          request.signal.addEventListener("abort", () => endlessCancelled.resolve("request aborted"), { once: true });
          return new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(encoder.encode("data: first\n\n"));
              },
              cancel: () => endlessCancelled.resolve("stream cancelled"),
            }),
            { headers: { "content-type": "text/event-stream" } },
          );
        }
        case "/backend-api/gzip":
          return new Response(gzipSync(JSON.stringify({ compressed: "and decoded" })), {
            headers: { "content-type": "application/json", "content-encoding": "gzip", "x-upstream": "kept" },
          });
        case "/backend-api/redirect": {
          const headers = new Headers({ location: `http://${url.host}/backend-api/elsewhere?x=1` });
          headers.append("set-cookie", "oai-sc=abc; Domain=.chatgpt.com; Path=/; Secure; HttpOnly");
          headers.append("set-cookie", "__cf_bm=xyz; Path=/");
          headers.set("access-control-allow-origin", "https://chatgpt.com");
          return new Response(null, { status: 302, headers });
        }
        case "/backend-api/away":
          return new Response(null, { status: 307, headers: { location: "https://auth.example/login" } });
        default:
          return Response.json({ detail: "Not Found" }, { status: 404 });
      }
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    secondEventGate,
    firstBodyChunk,
    endlessCancelled,
    stop: () => server.stop(true),
  };
}

describe("against a scripted upstream", () => {
  let upstream: ReturnType<typeof scriptedUpstream>;
  let h: Harness;
  beforeAll(async () => {
    upstream = scriptedUpstream();
    h = await startHarness({ env: { CHATGPT_BASE_URL: upstream.url, POW_WORKERS: "1" } });
  });
  afterAll(async () => {
    await h?.[Symbol.asyncDispose]();
    await upstream?.stop();
  });

  test("an event stream reaches the client event by event (the second is only sent once the first arrived)", async () => {
    const response = await h.fetch("/backend-api/lockstep-events", { headers: { accept: "text/event-stream" } });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("data: one\n\n")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe("data: one\n\n");
    upstream.secondEventGate.resolve();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe("data: one\n\ndata: two\n\n");
  });

  test("a request body streams upstream as it is written (the second chunk is only written once the first arrived)", async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode("first;"));
        await upstream.firstBodyChunk.promise;
        controller.enqueue(encoder.encode("second"));
        controller.close();
      },
    });
    const response = await h.fetch("/backend-api/lockstep-body", { method: "POST", body, headers: { "content-type": "application/octet-stream" } });
    expect(await upstream.firstBodyChunk.promise).toBe("first;");
    expect(await response.json()).toEqual({ received: "first;second" });
  });

  test("a client that leaves mid-stream aborts the upstream request", async () => {
    const leaving = new AbortController();
    const response = await h.fetch("/backend-anon/endless", { signal: leaving.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    leaving.abort();
    expect(await upstream.endlessCancelled.promise).toBeOneOf(["request aborted", "stream cancelled"]);
  });

  test("a gzip body reaches the client decoded and without content-encoding; other headers pass", async () => {
    const response = await h.fetch("/backend-api/gzip");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toBe(JSON.stringify({ compressed: "and decoded" }));
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get("x-upstream")).toBe("kept");
  });

  test("redirects come back unfollowed; one to a gateway path of the upstream points at this server; cookies come back for this host", async () => {
    const response = await h.fetch("/backend-api/redirect", { redirect: "manual", headers: { origin: "https://browser.example" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/backend-api/elsewhere?x=1");
    expect(response.headers.getSetCookie()).toEqual(["oai-sc=abc; Path=/; Secure; HttpOnly", "__cf_bm=xyz; Path=/"]);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://browser.example");
    expect(upstream.requests.filter((request) => request.path.startsWith("/backend-api/elsewhere"))).toEqual([]);
    const away = await h.fetch("/backend-api/away", { redirect: "manual" });
    expect([away.status, away.headers.get("location")]).toEqual([307, "https://auth.example/login"]);
  });

  test("the query string and percent-escapes reach the upstream as sent", async () => {
    const response = await h.fetch("/backend-api/files/a%2Fb/download?x=1&y=%20");
    expect(response.status).toBe(404);
    expect(upstream.requests.at(-1)?.path).toBe("/backend-api/files/a%2Fb/download?x=1&y=%20");
  });
});

describe("access: the caller's own credentials or none, never the pool", () => {
  let upstream: ReturnType<typeof scriptedUpstream>;
  let h: Harness;
  beforeAll(async () => {
    upstream = scriptedUpstream();
    h = await startHarness({ env: { CHATGPT_BASE_URL: upstream.url, AUTHORIZATION: "pool-key-1,pool-key-2", POW_WORKERS: "1" } });
    // a pool with an account in it: the gateway must still not lend it
    const upload = await h.fetch("/tokens/upload", {
      method: "POST",
      headers: { authorization: "Bearer pool-key-1", "content-type": "application/json" },
      body: JSON.stringify({ text: h.emulator.addAccount({ plan: "plus" }).accessToken }),
    });
    expect(upload.status).toBe(200);
  });
  afterAll(async () => {
    await h?.[Symbol.asyncDispose]();
    await upstream?.stop();
  });

  test.each([
    ["a pool key", "Bearer pool-key-2", 403, "permission_error"],
    ["a pool key with an account suffix", "Bearer pool-key-1,acc-1", 403, "permission_error"],
    ["no bearer on a private server", null, 401, "invalid_request_error"],
    ["a bearer that is no ChatGPT token on a private server", "Bearer pool-key-3", 401, "invalid_request_error"],
  ])("%s: refused, and nothing goes upstream", async (_name, authorization, status, type) => {
    const before = upstream.requests.length;
    const response = await h.fetch("/backend-api/gzip", { headers: authorization ? { authorization } : {} });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe(type);
    expect(upstream.requests.length).toBe(before);
    expect(h.logs.some((line) => line.includes("pool-key-"))).toBe(false);
  });

  test("the caller's own access token goes upstream as it came, with no pool token in its place", async () => {
    const own = h.emulator.issueAccessToken(h.emulator.addAccount({ plan: "free" }).id);
    const response = await h.fetch("/backend-api/gzip", { headers: { authorization: `Bearer ${own}` } });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${own}`);
  });
});

describe("PROXY_URL", () => {
  test("every gateway call of one bearer goes through the proxy bound to it ({} → md5 of the token, as /v1 binds it)", async () => {
    const seen: string[] = [];
    await using proxy = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(request) {
        seen.push(`${new URL(request.url).pathname} via ${request.headers.get("proxy-authorization") ?? "-"}`);
        const upstream = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" });
        return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
      },
    });
    await using chain = await startChain({ gatewayEnv: { PROXY_URL: `http://user-{}:pw@127.0.0.1:${proxy.port},http://other-{}:pw@127.0.0.1:${proxy.port}` } });
    const account = chain.gateway.emulator.addAccount({ plan: "plus" });
    const completion = await chain.front.client(account.accessToken).chat.completions.create({ ...chat, model: "gpt-4o" });
    expect(completion.choices[0]?.message.content).toBe("You said: through the gateway");
    const hash = new Bun.CryptoHasher("md5").update(account.accessToken).digest("hex");
    const credentials = seen.map((line) => Buffer.from(line.split(" via Basic ")[1] ?? "", "base64").toString());
    expect(seen.map((line) => line.split(" via ")[0])).toEqual(messagePaths("/backend-api"));
    expect(new Set(credentials).size).toBe(1);
    expect(credentials[0]).toMatch(new RegExp(`^(user|other)-${hash}:pw$`));
  });
});
