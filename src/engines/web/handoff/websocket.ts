/**
 * @module The WebSocket way to the rest of a handed-off turn (web-2026.md §6.4.1): `GET {B}/celsius/ws/user` (then
 * `/celsius/ws/user`, which one peer uses) gives a `websocket_url` that carries its own auth; one frame of
 * `connect` + `subscribe` commands; the subscribe reply's `catchups` and then `message` items carry the turn's events
 * as SSE text (`encoded_item`), until an inner `done`. The result is those events as one SSE byte stream.
 */
import { UpstreamError } from "../errors.ts";
import { readErrorResponse } from "../read-error-response.ts";
import type { UpstreamSession } from "../session.ts";
import type { Handoff } from "./handoff-watch.ts";

export const WS_URL_PATH = "celsius/ws/user";
const SUBSCRIBE_ID = 2;

export interface TopicSocketOptions {
  /** The generation's headers for the URL call (identity, target path). */
  headers: Record<string, string>;
  signal?: AbortSignal;
}

type Json = Record<string, unknown>;

/** Bun's WebSocket takes request headers (Origin, UA); the DOM typings that win here do not know that option. */
type SocketWithHeaders = new (url: string, options: { headers: Record<string, string> }) => WebSocket;
const Socket = WebSocket as unknown as SocketWithHeaders;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function websocketUrl(session: UpstreamSession, options: TopicSocketOptions): Promise<string> {
  let response = await session.request(WS_URL_PATH, { headers: options.headers, timeoutMs: 30_000, ...(options.signal ? { signal: options.signal } : {}) });
  if (response.status === 404) {
    await response.body?.cancel().catch(() => {});
    response = await session.request(`/${WS_URL_PATH}`, { headers: options.headers, timeoutMs: 30_000, ...(options.signal ? { signal: options.signal } : {}) });
  }
  if (!response.ok) throw await readErrorResponse(response, "the WebSocket address");
  const body = (await response.json().catch(() => null)) as { websocket_url?: unknown } | null;
  if (typeof body?.websocket_url !== "string") throw new UpstreamError("server", "ChatGPT gave no websocket_url for the handed-off stream.");
  return body.websocket_url;
}

/** The SSE text of one item, or "done" at the turn's end; undefined for items of other topics and replies. */
function itemText(item: Json, topicId: string): string | "done" | undefined {
  if (item.type !== "message" || item.topic_id !== topicId || !isObject(item.payload)) return undefined;
  const inner = item.payload.payload;
  if (!isObject(inner)) return undefined;
  if (inner.type === "done") return "done";
  if (inner.type !== "stream-item" || typeof inner.encoded_item !== "string") return undefined;
  return /(\r?\n){2}$/.test(inner.encoded_item) ? inner.encoded_item : `${inner.encoded_item.replace(/\r?\n$/, "")}\n\n`;
}

export async function openTopicSocket(session: UpstreamSession, handoff: Handoff, options: TopicSocketOptions): Promise<ReadableStream<Uint8Array>> {
  const url = await websocketUrl(session, options);
  const encoder = new TextEncoder();
  let socket: WebSocket | undefined;
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (message: string): void => {
        if (finished) return;
        finished = true;
        controller.error(new UpstreamError("stream", message));
        socket?.close();
      };
      let sawDone = false;
      const take = (item: Json): void => {
        const text = itemText(item, handoff.topicId);
        if (text === undefined || finished) return;
        if (text !== "done") {
          if (/^data: \[DONE\]/m.test(text)) sawDone = true;
          controller.enqueue(encoder.encode(text));
          return;
        }
        finished = true;
        if (!sawDone) controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
        socket?.close();
      };
      socket = new Socket(url, { headers: { origin: session.host, "user-agent": session.identity.userAgent } });
      socket.onopen = () => {
        socket?.send(
          JSON.stringify([
            { id: 1, command: { type: "connect", presence: { type: "presence", state: "foreground" } } },
            { id: SUBSCRIBE_ID, command: { type: "subscribe", topic_id: handoff.topicId, offset: "0" } },
          ]),
        );
      };
      socket.onmessage = (message) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(message.data));
        } catch {
          return fail("ChatGPT's WebSocket sent a frame that is not JSON.");
        }
        for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
          if (!isObject(item)) continue;
          if (item.id === SUBSCRIBE_ID && (item.type === "reply" || "reply" in item || "error" in item)) {
            if (isObject(item.error)) return fail(`ChatGPT refused the WebSocket subscription: ${String(item.error.code ?? "error")}.`);
            const catchups = isObject(item.reply) && Array.isArray(item.reply.catchups) ? item.reply.catchups : [];
            for (const caught of catchups) if (isObject(caught)) take(caught);
            continue;
          }
          take(item);
        }
      };
      socket.onerror = () => fail("ChatGPT's WebSocket failed before the answer ended.");
      socket.onclose = () => fail("ChatGPT's WebSocket closed before the answer ended.");
      options.signal?.addEventListener("abort", () => fail("aborted"), { once: true });
    },
    cancel() {
      finished = true;
      socket?.close();
    },
  });
}
