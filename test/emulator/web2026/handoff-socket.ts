/**
 * @module The WebSocket way to a handed-off turn (web-2026.md §6.4.1, §10 item 23): `GET {B}/celsius/ws/user` (and
 * `/celsius/ws/user`) gives a `websocket_url` that carries its own signature; on the socket a client sends JSON arrays
 * of `connect`/`subscribe` commands and gets the reply to each, then the turn's events as `message` items whose
 * `encoded_item` is SSE text, and a final `done`. Strict: a command before `connect`, an unknown topic or a malformed
 * frame are refused.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { ServerWebSocket } from "bun";
import type { Caller } from "../accounts.ts";
import { isRecord, json } from "../http.ts";
import type { HandedOffTurns } from "./handoff.ts";

/** What a socket knows about its user, set at the upgrade. */
export interface SocketData {
  ownerId: string;
  connected: boolean;
}

/** Closes with a policy-violation code: the real server drops clients that speak nonsense. */
const PROTOCOL_ERROR = 1008;
const SOCKET_PATH = /^\/p6\/ws\/user\/user-([\w-]+)$/;

function commandsOf(message: string | Buffer): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(String(message));
    return Array.isArray(value) ? value : isRecord(value) ? [value] : undefined;
  } catch {
    return undefined;
  }
}

function streamItem(topicId: string, offset: number, inner: Record<string, unknown>): Record<string, unknown> {
  return { type: "message", topic_id: topicId, offset: String(offset), payload: { type: "conversation-turn-stream", payload: inner } };
}

export class HandoffSockets {
  private readonly secret = randomBytes(16).toString("hex");
  /** Sockets opened so far (for tests: the client took the WebSocket path). */
  opened = 0;

  constructor(
    private readonly turns: HandedOffTurns,
    private readonly baseUrl: () => string,
  ) {}

  /** `GET …/celsius/ws/user` → `{"websocket_url"}` for this account. */
  websocketUrl(caller: Caller): Response {
    const ws = this.baseUrl().replace(/^http/, "ws");
    return json(200, { websocket_url: `${ws}/p6/ws/user/user-${caller.id}?verify=${this.sign(caller.id)}` });
  }

  /** The owner a socket URL was issued to, when the path and signature are right. */
  ownerOfUrl(url: URL): string | undefined {
    const owner = SOCKET_PATH.exec(url.pathname)?.[1];
    return owner !== undefined && url.searchParams.get("verify") === this.sign(owner) ? owner : undefined;
  }

  isSocketPath(pathname: string): boolean {
    return SOCKET_PATH.test(pathname);
  }

  /** Answers one frame of commands. */
  message(ws: ServerWebSocket<SocketData>, message: string | Buffer): void {
    const commands = commandsOf(message);
    if (!commands) {
      ws.close(PROTOCOL_ERROR, "frames must be a JSON array of commands");
      return;
    }
    for (const item of commands) {
      const id = isRecord(item) ? item.id : undefined;
      const command = isRecord(item) && isRecord(item.command) ? item.command : undefined;
      if (typeof id !== "number" || !command) {
        ws.close(PROTOCOL_ERROR, "a command needs a numeric id and a command object");
        return;
      }
      if (command.type === "connect") {
        ws.data.connected = true;
        ws.send(JSON.stringify([{ type: "reply", id, reply: { type: "connect", connected: true } }]));
      } else if (command.type === "subscribe") {
        this.subscribe(ws, id, command);
      } else {
        ws.send(JSON.stringify([{ type: "reply", id, error: { code: "unknown_command", message: `unknown command ${String(command.type)}` } }]));
      }
    }
  }

  private subscribe(ws: ServerWebSocket<SocketData>, id: number, command: Record<string, unknown>): void {
    const fail = (code: string, message: string): void => {
      ws.send(JSON.stringify([{ type: "reply", id, error: { code, message } }]));
    };
    if (!ws.data.connected) return fail("not_connected", "subscribe before connect");
    const { topic_id: topicId, offset } = command;
    if (typeof offset !== "string" || !/^\d+$/.test(offset)) return fail("bad_offset", 'offset must be a decimal string such as "0"');
    const turn = typeof topicId === "string" ? this.turns.topic(ws.data.ownerId, topicId) : undefined;
    if (!turn || typeof topicId !== "string") return fail("topic_not_found", `no topic ${String(topicId)}`);
    // [DONE] is no item: the end is the inner `done`
    const events = turn.answer.filter((e) => e.trim() !== "data: [DONE]");
    const from = Math.min(Number(offset), events.length);
    ws.send(JSON.stringify([{ type: "reply", id, reply: { topic_id: topicId, recovered: false, catchups: [], last_offset: String(events.length) } }]));
    events.slice(from).forEach((encoded, i) => {
      ws.send(JSON.stringify([streamItem(topicId, from + i + 1, { type: "stream-item", encoded_item: encoded })]));
    });
    ws.send(JSON.stringify([streamItem(topicId, events.length + 1, { type: "done" })]));
  }

  private sign(ownerId: string): string {
    return createHmac("sha256", this.secret).update(ownerId).digest("base64url");
  }
}
