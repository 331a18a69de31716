/**
 * @module Test helpers for the emulator's own tests, independent of src/: a brute-force PoW solver, a handshake
 * (requirements + conversation) over plain fetch, and minimal decoders of both stream encodings.
 */
import { createHash, randomUUID } from "node:crypto";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

export function configToken(prefix: string, nonce = 0): string {
  const config = [4000, "Mon Jan 06 2025 10:00:00 GMT-0500", 4294705152, nonce, UA, "", null, "en-US", "en-US,en", nonce >> 1];
  return prefix + Buffer.from(JSON.stringify(config)).toString("base64");
}

/** Tries nonces until SHA3-512(seed + base64) has a hex prefix <= difficulty. */
export function solvePow(seed: string, difficulty: string): string {
  for (let nonce = 0; nonce < 2_000_000; nonce++) {
    const token = configToken("gAAAAAB", nonce);
    const hash = createHash("sha3-512").update(seed + token.slice(7)).digest("hex");
    if (hash.slice(0, difficulty.length) <= difficulty) return token;
  }
  throw new Error("no nonce found");
}

export interface Identity {
  base: string;
  headers: Record<string, string>;
}

/** Headers of a browser-like caller; `token` undefined = anonymous (`/backend-anon`). */
export function identity(url: string, token?: string, extra: Record<string, string> = {}): Identity {
  return {
    base: `${url}/${token ? "backend-api" : "backend-anon"}`,
    headers: {
      "user-agent": UA,
      "oai-device-id": randomUUID(),
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
  };
}

export interface Requirements {
  persona: string;
  token: string;
  proofofwork: { required: boolean; seed?: string; difficulty?: string };
  turnstile: { required: boolean; dx: string | null };
  arkose: { required: boolean; dx: string | null };
}

export async function requirements(who: Identity): Promise<Requirements> {
  const response = await fetch(`${who.base}/sentinel/chat-requirements`, {
    method: "POST",
    headers: who.headers,
    body: JSON.stringify({ p: configToken("gAAAAAC") }),
  });
  if (response.status !== 200) throw new Error(`requirements ${response.status}: ${await response.text()}`);
  return (await response.json()) as Requirements;
}

/** The sentinel headers a correct client sends for these requirements. */
export function sentinelHeaders(req: Requirements): Record<string, string> {
  const { seed, difficulty } = req.proofofwork;
  return {
    "openai-sentinel-chat-requirements-token": req.token,
    ...(req.proofofwork.required && seed && difficulty ? { "openai-sentinel-proof-token": solvePow(seed, difficulty) } : {}),
  };
}

export function conversationBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: "next",
    messages: [{ id: randomUUID(), author: { role: "user" }, content: { content_type: "text", parts: [text] }, metadata: {} }],
    model: "auto",
    parent_message_id: "client-created-root",
    conversation_mode: { kind: "primary_assistant" },
    force_use_sse: true,
    timezone_offset_min: -60,
    ...extra,
  };
}

export function postConversation(who: Identity, headers: Record<string, string>, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${who.base}/conversation`, {
    method: "POST",
    headers: { ...who.headers, accept: "text/event-stream", ...headers },
    body: JSON.stringify(body),
  });
}

/** A whole correct handshake: requirements, then the conversation with solved headers. */
export async function converse(who: Identity, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const req = await requirements(who);
  return postConversation(who, { ...sentinelHeaders(req), ...extraHeaders }, body);
}

export interface SseEvent {
  event?: string;
  data: string;
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event: SseEvent = { data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event.event = line.slice(7);
        else if (line.startsWith("data: ")) event.data += line.slice(6);
      }
      return event;
    });
}

type Json = Record<string, unknown>;

export interface Decoded {
  /** Last snapshot of every message, in order of first appearance. */
  messages: Json[];
  /** Typed events (no message), in order. */
  typed: Json[];
  done: boolean;
}

export function decodeLegacy(text: string): Decoded {
  const messages = new Map<string, Json>();
  const typed: Json[] = [];
  let done = false;
  for (const { data } of parseSse(text)) {
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    const value = JSON.parse(data) as Json;
    const message = value.message as Json | null | undefined;
    if (message) messages.set(String(message.id), message);
    else typed.push(value);
  }
  return { messages: [...messages.values()], typed, done };
}

function walk(root: Json, path: string): { parent: Json | unknown[]; key: string } {
  const keys = path.split("/").slice(1).map((k) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
  const key = keys.pop() ?? "";
  let parent: unknown = root;
  for (const k of keys) parent = (parent as Record<string, unknown>)[k];
  return { parent: parent as Json, key };
}

function apply(root: Json, p: string, o: string, v: unknown): void {
  const { parent, key } = walk(root, p);
  const target = parent as Record<string, unknown>;
  if (o === "patch") {
    for (const op of v as { p: string; o: string; v: unknown }[]) apply(root, op.p, op.o, op.v);
  } else if (o === "append") {
    const old = target[key];
    if (typeof old === "string") target[key] = old + String(v);
    else if (Array.isArray(old)) target[key] = [...old, ...(v as unknown[])];
    else target[key] = { ...(old as Json), ...(v as Json) };
  } else if (o === "replace" || o === "add") {
    target[key] = v;
  } else if (o === "remove") {
    delete target[key];
  } else {
    throw new Error(`unknown op ${o}`);
  }
}

export function decodeDeltaV1(text: string): Decoded {
  const documents: Json[] = [];
  const typed: Json[] = [];
  let done = false;
  let p = "";
  let o = "";
  const events = parseSse(text);
  if (events[0]?.event !== "delta_encoding" || events[0].data !== '"v1"') throw new Error("stream does not start with delta_encoding v1");
  for (const { data } of events.slice(1)) {
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    const line = JSON.parse(data) as Json;
    if ("c" in line) {
      documents.push(structuredClone(line.v as Json));
      continue;
    }
    if (!("v" in line)) {
      typed.push(line);
      continue;
    }
    if (typeof line.p === "string") p = line.p;
    if (typeof line.o === "string") o = line.o;
    const current = documents.at(-1);
    if (!current) throw new Error("delta before any document");
    apply(current, p, o, line.v);
  }
  return { messages: documents.map((d) => d.message as Json), typed, done };
}
