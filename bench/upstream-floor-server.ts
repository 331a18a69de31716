/**
 * @module The floor of issue 12's CPU and memory figures: a bare `Bun.serve` that answers `/v1/chat/completions` with
 * chat2api's own web client (the same handshake, proof of work and stream decoder) and nothing else — no Elysia, no
 * validation, no account pool, no request log, no tokenizer, no translation beyond the reply's last text. Compiled
 * like chat2api and run in its place by `cpu-per-request.bench.ts --binary`, it shows what the upstream protocol
 * alone costs in this runtime, so the rest of chat2api's figure is what chat2api adds:
 *
 *     bun build --compile --minify --bytecode --format=esm --splitting bench/upstream-floor-server.ts \
 *       src/engines/web/pow/worker.ts --outfile /tmp/floor/server
 *     bun bench/cpu-per-request.bench.ts --binary /tmp/floor/server
 *
 * The API key is the upstream's access token, as with chat2api (`anonymous` for no-login), so it speaks whichever
 * web generation the upstream serves, as chat2api's `WEB_PROTOCOL=auto` does.
 *
 * Not a product: it answers one shape of request and reports no errors beyond a 502 with the message.
 */
import type { UpstreamEvent } from "../src/engines/web/events.ts";
import { createIdentity, type UpstreamIdentity } from "../src/engines/web/identity.ts";
import { PowWorkerPool } from "../src/engines/web/pow/pool.ts";
import { benchConversationBody, benchUpstreamClient } from "./direct-client.ts";

const pow = new PowWorkerPool({ size: 2 });
const upstream = benchUpstreamClient(process.env.CHATGPT_BASE_URL ?? "http://127.0.0.1:5326", pow);
/** One identity per API key, as chat2api keeps one per account: its device id must stay the same (web-2026.md §1.4). */
const identities = new Map<string, UpstreamIdentity>();

function identityOf(request: Request): UpstreamIdentity {
  const key = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "anonymous";
  let identity = identities.get(key);
  if (!identity) {
    identity = createIdentity({ accessToken: key === "anonymous" ? null : key, teamAccountId: null }, { userAgents: [], proxyUrls: [] });
    identities.set(key, identity);
  }
  return identity;
}
const encoder = new TextEncoder();

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
}

/** The text of the last assistant message an event carries, if any. */
function textOf(event: UpstreamEvent): string | null {
  if (event.type !== "message" || event.message.author.role !== "assistant") return null;
  const parts = (event.message.content as { parts?: unknown[] }).parts;
  return Array.isArray(parts) && typeof parts[0] === "string" ? parts[0] : null;
}

async function chat(request: Request): Promise<Response> {
  const body = (await request.json()) as ChatBody;
  const conversation = benchConversationBody(body.model, body.messages);
  const opened = await upstream.openConversation({ identity: identityOf(request), prepareBody: async () => conversation, signal: request.signal });
  const reader = opened.events.getReader();
  if (!body.stream) {
    let text = "";
    for (let next = await reader.read(); !next.done; next = await reader.read()) text = textOf(next.value) ?? text;
    return Response.json({ object: "chat.completion", model: body.model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }] });
  }
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // a pull that enqueues nothing is not called again: read until there is something to send
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
          return;
        }
        const text = textOf(next.value);
        if (text === null || text.length <= sent) continue;
        controller.enqueue(encoder.encode(`data: ${JSON.stringify({ object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: text.slice(sent) } }] })}\n\n`));
        sent = text.length;
        return;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}

Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 5005),
  idleTimeout: 0,
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/healthz") return new Response("ok");
    if (pathname !== "/v1/chat/completions" || request.method !== "POST") return new Response("not found", { status: 404 });
    try {
      return await chat(request);
    } catch (error) {
      return Response.json({ error: { message: String(error) } }, { status: 502 });
    }
  },
});

// a graceful exit, so that `bun --cpu-prof` writes its profile when the bench stops this server
process.on("SIGTERM", () => process.exit(0));
