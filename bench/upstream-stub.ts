/**
 * @module A light stand-in for the 2024 web upstream, for CPU figures only: `bun bench/upstream-stub.ts` (`STUB_PORT`,
 * default 5326; `STUB_POW_DIFFICULTY`, default `0fffff`).
 *
 * Why: the strict emulator costs ~0.43 ms of CPU a chat itself (it logs every request and checks every header and
 * body), so on two cores the emulator, chat2api and the load generator together keep both busy, and chat2api's own
 * CPU a chat is measured on a saturated machine. Issue 12 measured against "a loopback stub of the upstream" for that
 * reason. This one costs half the emulator's CPU a chat or less: it answers a no-login chat the way the emulator
 * does (the same bootstrap page, the same requirements answer, the same seven delta-v1 events, each written in two
 * pieces, one event a pull), so a client does the same work against it.
 *
 * It still refuses a chat that skipped the handshake: the requirements token must be one it issued and not yet used,
 * and the proof must meet the difficulty for that token's seed (the emulator's own check and stream writer are used).
 * Everything else the emulator checks, it does not: the emulator's tests prove the client right; this only prices it.
 */
import { randomUUID } from "node:crypto";
import { verifyProofToken } from "../test/emulator/pow-verify.ts";
import { sseResponse } from "../test/emulator/sse-response.ts";

const HOME = `<!DOCTYPE html><html lang="en-US" data-build="prod-5f1c0e8d2a7b4c39e6f0a1d2b3c4d5e6f7a8b9c0" data-seq="1234567"><head><meta charset="utf-8"/>
<title>ChatGPT</title>
<script src="https://cdn.oaistatic.com/_next/static/chunks/webpack-3d5a1c2b.js" defer=""></script>
<script src="https://cdn.oaistatic.com/_next/static/chunks/pages/_app-9e8d7c6b5a4f3e2d.js" defer=""></script>
</head><body><div id="__next"></div></body></html>`;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

interface ConversationBody {
  model?: string;
  messages?: { content?: { parts?: unknown[] } }[];
  supported_encodings?: string[];
}

/** The emulator's answer to a no-login chat: `You said: <text>`, in delta v1, as its encoder writes it. */
function answerEvents(body: ConversationBody): string[] {
  const part = body.messages?.at(-1)?.content?.parts?.[0];
  const said = typeof part === "string" ? part : "";
  const words = `You said: ${said}`.split(/(?<= )/);
  const conversationId = randomUUID();
  const userId = randomUUID();
  const now = Date.now() / 1000;
  const message = (id: string, role: string, text: string, status: string, metadata: Record<string, unknown>) => ({
    id,
    author: { role, name: null, metadata: {} },
    create_time: now,
    content: { content_type: "text", parts: [text] },
    status,
    end_turn: null,
    recipient: "all",
    metadata,
    channel: null,
  });
  const delta = (value: unknown) => `event: delta\ndata: ${JSON.stringify(value)}\n\n`;
  return [
    `event: delta_encoding\ndata: "v1"\n\n`,
    delta({ p: "", o: "add", v: { message: message(userId, "user", said, "finished_successfully", { parent_id: "client-created-root" }), conversation_id: conversationId, error: null }, c: 0 }),
    delta({ p: "", o: "add", v: { message: message(randomUUID(), "assistant", "", "in_progress", { model_slug: body.model ?? "auto", message_type: "next", parent_id: userId }), conversation_id: conversationId, error: null }, c: 1 }),
    delta({ p: "/message/content/parts/0", o: "append", v: words[0] }),
    `data: ${JSON.stringify({ v: words.slice(1, -1).join("") })}\n\n`,
    delta({
      p: "",
      o: "patch",
      v: [
        { p: "/message/content/parts/0", o: "append", v: words.at(-1) },
        { p: "/message/status", o: "replace", v: "finished_successfully" },
        { p: "/message/end_turn", o: "replace", v: true },
        { p: "/message/metadata", o: "append", v: { is_complete: true, finish_details: { type: "stop", stop_tokens: [200002] } } },
      ],
    }),
    `data: ${JSON.stringify({ type: "message_stream_complete", conversation_id: conversationId })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

export interface UpstreamStubStats {
  requirements: number;
  conversations: number;
  refused: number;
}

export interface UpstreamStub {
  url: string;
  stats: UpstreamStubStats;
  stop: () => Promise<void>;
}

/** Starts the stub on `port` (0: any free one); a proof must meet `difficulty` (six hex digits; `0fffff` ≈ 16 attempts). */
export function startUpstreamStub({ port = 0, difficulty = "0fffff" }: { port?: number; difficulty?: string } = {}): UpstreamStub {
  /** The requirements tokens issued and not yet spent, with the seed each one's proof must use. */
  const seeds = new Map<string, string>();
  const stats: UpstreamStubStats = { requirements: 0, conversations: 0, refused: 0 };

  const requirements = (): Response => {
    stats.requirements++;
    const token = `gAAAAAB${Buffer.from(crypto.getRandomValues(new Uint8Array(96))).toString("base64url")}`;
    const seed = String(Math.random());
    seeds.set(token, seed);
    return json(
      { persona: "chatgpt-noauth", token, expire_after: 540, arkose: { required: false, dx: null }, turnstile: { required: false, dx: null }, proofofwork: { required: true, seed, difficulty } },
      200,
      { "set-cookie": `oai-sc=${randomUUID()}; Path=/; HttpOnly; SameSite=Lax` },
    );
  };

  /** Why a conversation request skipped the handshake, or null when it did not. */
  const handshakeFault = (headers: Headers): string | null => {
    const token = headers.get("openai-sentinel-chat-requirements-token") ?? "";
    const seed = seeds.get(token);
    if (seed === undefined) return "unknown or spent chat requirements token";
    seeds.delete(token);
    const verdict = verifyProofToken(headers.get("openai-sentinel-proof-token") ?? "", seed, difficulty);
    return verdict.ok ? null : verdict.reason;
  };

  const conversation = async (request: Request): Promise<Response> => {
    const fault = handshakeFault(request.headers);
    if (fault) {
      stats.refused++;
      return json({ detail: fault }, 403);
    }
    const body = (await request.json()) as ConversationBody;
    if (!body.supported_encodings?.includes("v1")) {
      stats.refused++;
      return json({ detail: "this stub answers in delta v1 only" }, 400);
    }
    stats.conversations++;
    return sseResponse(answerEvents(body), { delayMs: 0 });
  };

  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (request.method === "GET" && path === "/") return new Response(HOME, { headers: { "content-type": "text/html; charset=utf-8" } });
      if (request.method === "GET" && path === "/_stub/stats") return json(stats);
      if (request.method === "POST" && path.endsWith("/sentinel/chat-requirements")) return requirements();
      if (request.method === "POST" && path.endsWith("/conversation")) return conversation(request);
      return json({ detail: "Not Found" }, 404);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stats, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const stub = startUpstreamStub({ port: Number(process.env.STUB_PORT ?? 5326), difficulty: process.env.STUB_POW_DIFFICULTY ?? "0fffff" });
  console.log(`upstream stub on ${stub.url}`);
}
