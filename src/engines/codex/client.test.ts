import { describe, expect, test } from "bun:test";
import { openCodexResponse } from "./client.ts";
import type { CodexRequestBody } from "./codex-body.ts";
import { CodexError } from "./errors.ts";
import type { CodexEvent } from "./events.ts";
import { readCodexEvents } from "./read-events.ts";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJodHRwczovL2FwaS5vcGVuYWkuY29tL2F1dGgiOnt9fQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const ACCOUNT = "acc-1234";
const NOW = 1_789_000_000_000;

const body: CodexRequestBody = {
  model: "gpt-5.5",
  instructions: "",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] }],
  store: false,
  stream: true,
};

const fixture = (name: string) => Bun.file(new URL(`./__fixtures__/${name}`, import.meta.url)).bytes();

/** A Codex stand-in on 127.0.0.1 that answers every request with `answer` and records what it received. */
function backend(answer: (request: Request) => Response | Promise<Response>) {
  const seen: Array<{ method: string; path: string; headers: Headers; body: string }> = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      seen.push({ method: request.method, path: url.pathname + url.search, headers: request.headers, body: await request.text() });
      return answer(request);
    },
  });
  return { server, seen, baseUrl: `http://127.0.0.1:${server.port}` };
}

/** A streamed body, so Bun adds no Content-Type of its own. */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<CodexEvent>): Promise<CodexEvent[]> {
  const events: CodexEvent[] = [];
  for await (const event of readCodexEvents(stream)) events.push(event);
  return events;
}

async function refusal(answer: Response): Promise<CodexError> {
  const { server, baseUrl } = backend(() => answer);
  try {
    const error = await openCodexResponse({ baseUrl, accessToken: TOKEN, accountId: ACCOUNT, body, now: () => NOW }).catch((caught: unknown) => caught);
    if (!(error instanceof CodexError)) throw new Error(`expected a CodexError, got ${String(error)}`);
    return error;
  } finally {
    server.stop(true);
  }
}

describe("openCodexResponse", () => {
  test("POSTs the body to /backend-api/codex/responses with the identity headers of §2.1", async () => {
    const bytes = await fixture("text.sse");
    const { server, seen, baseUrl } = backend(() => new Response(streamOf(bytes), { headers: { "content-type": "text/event-stream" } }));
    try {
      const answer = await openCodexResponse({ baseUrl: `${baseUrl}/`, accessToken: TOKEN, accountId: ACCOUNT, body, sessionId: "conv-42", turnState: "ts-1" });
      await collect(answer.events);
      const [request] = seen;
      if (!request) throw new Error("no request");
      expect({ method: request.method, path: request.path, body: JSON.parse(request.body) }).toEqual({ method: "POST", path: "/backend-api/codex/responses", body });
      const header = (name: string) => request.headers.get(name);
      expect({
        authorization: header("authorization"),
        account: header("chatgpt-account-id"),
        originator: header("originator"),
        version: header("version"),
        accept: header("accept"),
        contentType: header("content-type"),
        session: header("session_id"),
        clientRequestId: header("x-client-request-id"),
        turnState: header("x-codex-turn-state"),
      }).toEqual({
        authorization: `Bearer ${TOKEN}`,
        account: ACCOUNT,
        originator: "codex_cli_rs",
        version: "0.155.0",
        accept: "text/event-stream",
        contentType: "application/json",
        session: "conv-42",
        clientRequestId: "conv-42",
        turnState: "ts-1",
      });
      // The User-Agent's product token pairs with the originator (a mismatch answers 404).
      expect(header("user-agent")).toMatch(/^codex_cli_rs\/0\.155\.0 \(.+; .+\) unknown$/);
    } finally {
      server.stop(true);
    }
  });

  test("a chosen client version goes into both version and User-Agent", async () => {
    const bytes = await fixture("text.sse");
    const { server, seen, baseUrl } = backend(() => new Response(streamOf(bytes)));
    try {
      await collect((await openCodexResponse({ baseUrl, accessToken: TOKEN, accountId: ACCOUNT, body, clientVersion: "0.160.2" })).events);
      expect([seen[0]?.headers.get("version"), seen[0]?.headers.get("user-agent")?.split(" ")[0]]).toEqual(["0.160.2", "codex_cli_rs/0.160.2"]);
    } finally {
      server.stop(true);
    }
  });

  test("answers the events, the quota from the headers, the turn state and the models ETag", async () => {
    const bytes = await fixture("tool-call.sse");
    const { server, baseUrl } = backend(
      () =>
        new Response(streamOf(bytes), {
          headers: {
            "content-type": "text/event-stream",
            "x-codex-plan-type": "plus",
            "x-codex-primary-used-percent": "25",
            "x-codex-primary-window-minutes": "300",
            "x-codex-primary-reset-at": "1789003600",
            "x-codex-secondary-used-percent": "50",
            "x-codex-secondary-window-minutes": "10080",
            "x-codex-secondary-reset-at": "1789300000",
            "x-codex-turn-state": "turn-abc",
            "x-models-etag": 'W/"models-1"',
            "x-request-id": "req-1",
          },
        }),
    );
    try {
      const answer = await openCodexResponse({ baseUrl, accessToken: TOKEN, accountId: ACCOUNT, body, now: () => NOW });
      expect({ quota: answer.quota, turnState: answer.turnState, modelsEtag: answer.modelsEtag, requestId: answer.requestId }).toEqual({
        quota: {
          planType: "plus",
          windows: [
            { windowMinutes: 300, usedPercent: 25, resetsAt: 1_789_003_600_000 },
            { windowMinutes: 10080, usedPercent: 50, resetsAt: 1_789_300_000_000 },
          ],
          limitReachedUntil: null,
          observedAt: NOW,
        },
        turnState: "turn-abc",
        modelsEtag: 'W/"models-1"',
        requestId: "req-1",
      });
      const events = await collect(answer.events);
      expect(events.filter((event) => event.type.startsWith("tool-call")).map((event) => event.type)).toEqual([
        "tool-call-start",
        "tool-call-delta",
        "tool-call-delta",
        "tool-call-delta",
        "tool-call-delta",
        "tool-call-delta",
        "tool-call-end",
      ]);
      expect(events.at(-1)).toMatchObject({ type: "finish", reason: "tool_calls" });
    } finally {
      server.stop(true);
    }
  });

  test("a 200 stream without a Content-Type header is decoded all the same", async () => {
    const bytes = await fixture("reasoning-text.sse");
    const { server, baseUrl } = backend(() => new Response(streamOf(bytes)));
    try {
      const probe = await fetch(`${baseUrl}/probe`);
      await probe.arrayBuffer();
      expect(probe.headers.get("content-type")).toBeNull();
      const events = await collect((await openCodexResponse({ baseUrl, accessToken: TOKEN, accountId: ACCOUNT, body })).events);
      expect(events.filter((event) => event.type === "content").map((event) => (event as { text: string }).text).join("")).toBe("There are 8 primes below 20.");
      expect(events.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
    } finally {
      server.stop(true);
    }
  });

  test("429 usage_limit_reached is thrown as usage-limit with its reset and the quota headers", async () => {
    const error = await refusal(
      Response.json(
        { error: { type: "usage_limit_reached", message: "The usage limit has been reached", plan_type: "plus", resets_at: 1_789_000_600, resets_in_seconds: 600 } },
        { status: 429, headers: { "x-codex-primary-used-percent": "100", "x-codex-primary-window-minutes": "300", "x-codex-primary-reset-at": "1789000600" } },
      ),
    );
    expect({ kind: error.kind, status: error.status, resetsInSec: error.resetsInSec, limitReachedUntil: error.quota?.limitReachedUntil }).toEqual({
      kind: "usage-limit",
      status: 429,
      resetsInSec: 600,
      limitReachedUntil: 1_789_000_600_000,
    });
  });

  test("400 Unsupported parameter is thrown as bad-request naming the parameter", async () => {
    const error = await refusal(Response.json({ detail: "Unsupported parameter: max_output_tokens" }, { status: 400 }));
    expect({ kind: error.kind, param: error.param }).toEqual({ kind: "bad-request", param: "max_output_tokens" });
  });

  test("403 Cloudflare HTML is thrown as cloudflare", async () => {
    const error = await refusal(new Response("<html><title>Just a moment...</title></html>", { status: 403, headers: { "content-type": "text/html" } }));
    expect(error.kind).toBe("cloudflare");
  });

  test("401 never repeats the access token in the error", async () => {
    const error = await refusal(Response.json({ detail: "Unauthorized" }, { status: 401 }));
    expect(error.kind).toBe("unauthorized");
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(TOKEN);
  });

  test("an unreachable backend is a network error", async () => {
    const { server, baseUrl } = backend(() => new Response("unused"));
    server.stop(true);
    const error = await openCodexResponse({ baseUrl, accessToken: TOKEN, accountId: ACCOUNT, body }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodexError);
    expect((error as CodexError).kind).toBe("network");
  });

  test("cancelling the events cancels the upstream request", async () => {
    const bytes = await fixture("abrupt-close.sse");
    let markCancelled: () => void = () => {};
    const cancelled = new Promise<void>((resolve) => (markCancelled = resolve));
    const { server, baseUrl } = backend(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(bytes);
            },
            cancel() {
              markCancelled();
            },
          }),
        ),
    );
    try {
      const answer = await openCodexResponse({ baseUrl, accessToken: TOKEN, accountId: ACCOUNT, body });
      for await (const event of readCodexEvents(answer.events)) if (event.type === "content") break;
      await cancelled;
    } finally {
      server.stop(true);
    }
  });
});
