/**
 * @module A small hand-written 2026 client for the emulator's own tests (independent of src/): a 25-slot config, the
 * FNV solver (and a SHA3 one, to be refused), the sentinel bundle (prepare → solve → finalize), the conduit prepare,
 * the write, and the 2026 stream decoded by the 2024 test client once two payloads on one line are split.
 */
import { createHash, randomUUID } from "node:crypto";
import { type Emulator, type EmulatorOptions, startEmulator } from "../index.ts";
import { type Decoded, decodeDeltaV1 } from "../test-client.ts";
import { fnv1a32Mixed } from "./fnv.ts";

export const UA_2026 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36";
export const CLIENT_VERSION = "prod-0123456789abcdef0123456789abcdef01234567";

/** The browser's 25 slots (web-2026.md §3.1); slot 14 is the device id. */
export function config25(deviceId: string): unknown[] {
  return [3000, "Fri Aug 21 2026 10:00:00 GMT-0700 (Pacific Daylight Time)", 4294967296, 0, UA_2026, "https://chatgpt.com/backend-api/sentinel/sdk.js", CLIENT_VERSION, "en-US", "en-US,en", 0, "webdriver\u2212false", "location", "onload", 1234.5, deviceId, "", 8, 1787331598765.5, 0, 0, 0, 0, 0, 0, 0];
}

function b64(config: unknown[]): string {
  return Buffer.from(JSON.stringify(config)).toString("base64");
}

/** `p`: slot 3 = 1, slot 9 a float, no search (§3.2). */
export function requirementsToken(config: unknown[], suffix = ""): string {
  const c = [...config];
  c[3] = 1;
  c[9] = 0.5;
  return `gAAAAAC${b64(c)}${suffix}`;
}

function search(config: unknown[], accept: (body: string) => boolean): { body: string; nonce: number } {
  const c = [...config];
  for (let nonce = 0; nonce < 500_000; nonce++) {
    c[3] = nonce;
    c[9] = 0;
    const body = b64(c);
    if (accept(body)) return { body, nonce };
  }
  throw new Error("no nonce found");
}

export function solveFnv(seed: string, difficulty: string, config: unknown[]): string {
  return `gAAAAAB${search(config, (body) => fnv1a32Mixed(seed + body).slice(0, difficulty.length) <= difficulty).body}~S`;
}

/** The 2024 algorithm, for answers a 2026 server must refuse; the nonce also fails FNV so the test is about SHA3. */
export function solveSha3Only(seed: string, difficulty: string, config: unknown[]): string {
  const sha3 = (body: string): string => createHash("sha3-512").update(seed + body).digest("hex");
  const fnvOk = (body: string): boolean => fnv1a32Mixed(seed + body).slice(0, difficulty.length) <= difficulty;
  return `gAAAAAB${search(config, (body) => sha3(body).slice(0, difficulty.length) <= difficulty && !fnvOk(body)).body}`;
}

export interface Client2026 {
  url: string;
  base: string;
  deviceId: string;
  headers: Record<string, string>;
}

/** A browser-like 2026 caller; `token` undefined = no login (`/backend-anon`). */
export function client2026(url: string, token?: string, extra: Record<string, string> = {}): Client2026 {
  const deviceId = extra["oai-device-id"] ?? randomUUID();
  return {
    url,
    base: `${url}/${token ? "backend-api" : "backend-anon"}`,
    deviceId,
    headers: {
      "user-agent": UA_2026,
      "content-type": "application/json",
      "oai-device-id": deviceId,
      "oai-session-id": randomUUID(),
      "oai-client-version": CLIENT_VERSION,
      "oai-client-build-number": "7823760",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
  };
}

/** A 2026 emulator with a plus account "alice" and a client of hers. */
export async function start2026(options: EmulatorOptions = {}): Promise<{ emu: Emulator; who: Client2026 }> {
  const emu = await startEmulator({ webGeneration: "2026", ...options });
  const account = emu.addAccount({ id: "alice", plan: "plus" });
  return { emu, who: client2026(emu.url, account.accessToken) };
}

/** Status and JSON body of an error answer. */
export async function errorOf(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

export function post(who: Client2026, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${who.base}${path}`, { method: "POST", headers: { ...who.headers, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
}

export interface Prepared {
  persona: string;
  prepare_token: string;
  proofofwork: { required: boolean; seed?: string; difficulty?: string };
  turnstile: { required: boolean; dx: string | null };
  so: { required: boolean; collector_dx: string; snapshot_dx: string };
  arkose: { required: boolean; dx: string | null };
}

export async function prepareSentinel(who: Client2026, p: string | null = requirementsToken(config25(who.deviceId))): Promise<Prepared> {
  const response = await post(who, "/sentinel/chat-requirements/prepare", { p });
  if (response.status !== 200) throw new Error(`prepare ${response.status}: ${await response.text()}`);
  return (await response.json()) as Prepared;
}

/** Asks the emulator's Turnstile solver for this prepare's answer. */
export async function solveTurnstile(url: string, prepared: Prepared): Promise<string> {
  const response = await fetch(`${url}/_solver/turnstile`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: "https://chatgpt.com", p: "gAAAAAC", dx: prepared.turnstile.dx, ua: UA_2026 }),
  });
  return ((await response.json()) as { t: string }).t;
}

export interface Bundle {
  token: string;
  proof?: string;
  turnstile?: string;
}

/** prepare → solve (FNV, and Turnstile when asked) → finalize: the headers one write may use. */
export async function sentinelBundle(who: Client2026): Promise<Bundle> {
  const prepared = await prepareSentinel(who);
  const { seed, difficulty } = prepared.proofofwork;
  const proof = prepared.proofofwork.required && seed && difficulty ? solveFnv(seed, difficulty, config25(who.deviceId)) : undefined;
  const turnstile = prepared.turnstile.required ? await solveTurnstile(who.url, prepared) : undefined;
  const response = await post(who, "/sentinel/chat-requirements/finalize", { prepare_token: prepared.prepare_token, ...(proof ? { proofofwork: proof } : {}), ...(turnstile ? { turnstile } : {}) });
  if (response.status !== 200) throw new Error(`finalize ${response.status}: ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return { token, ...(proof ? { proof } : {}), ...(turnstile ? { turnstile } : {}) };
}

export function bundleHeaders(bundle: Bundle): Record<string, string> {
  return {
    "openai-sentinel-chat-requirements-token": bundle.token,
    ...(bundle.proof ? { "openai-sentinel-proof-token": bundle.proof } : {}),
    ...(bundle.turnstile ? { "openai-sentinel-turnstile-token": bundle.turnstile } : {}),
  };
}

/** The §5.1 body with one user message. */
export function body2026(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: "next",
    messages: [{ id: randomUUID(), author: { role: "user" }, create_time: 1787331600.123, content: { content_type: "text", parts: [text] }, metadata: { selected_sources: [], serialization_metadata: { custom_symbol_offsets: [] } } }],
    parent_message_id: "client-created-root",
    model: "auto",
    client_prepare_state: "success",
    timezone_offset_min: 420,
    timezone: "America/Los_Angeles",
    conversation_mode: { kind: "primary_assistant" },
    enable_message_followups: true,
    system_hints: [],
    supports_buffering: true,
    supported_encodings: ["v1"],
    client_contextual_info: { is_dark_mode: false, time_since_loaded: 12, page_height: 1014, page_width: 1055, pixel_ratio: 1, screen_height: 1080, screen_width: 1920, app_name: "chatgpt.com" },
    paragen_cot_summary_display_override: "allow",
    force_parallel_switch: "auto",
    ...extra,
  };
}

/** `f/conversation/prepare` for this write body (state `none`); returns the conduit token. */
export async function prepareConduit(who: Client2026, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const { messages: _messages, ...rest } = body;
  const response = await post(who, "/f/conversation/prepare", { ...rest, client_prepare_state: "none", fork_from_shared_post: false }, headers);
  if (response.status !== 200) throw new Error(`conduit prepare ${response.status}: ${await response.text()}`);
  const answer = (await response.json()) as { conduit_token: string };
  return answer.conduit_token;
}

export function write(who: Client2026, body: Record<string, unknown>, headers: Record<string, string>): Promise<Response> {
  return post(who, "/f/conversation", body, { accept: "text/event-stream", ...headers });
}

/** A whole correct 2026 turn: conduit prepare, sentinel bundle, write. */
export async function turn2026(who: Client2026, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const traceId = randomUUID();
  const conduit = await prepareConduit(who, body, { "x-conduit-token": "no-token", "x-oai-turn-trace-id": traceId });
  const bundle = await sentinelBundle(who);
  return write(who, body, { ...bundleHeaders(bundle), "x-conduit-token": conduit, "x-oai-turn-trace-id": traceId, ...extraHeaders });
}

/** Real 2026 streams may carry two payloads on one line (`data: {…}data: {…}`); this puts each in its own event. */
export function splitPayloadLines(text: string): string {
  return text.replace(/([}\]"])data: /g, "$1\n\ndata: ");
}

/** Decodes a delta v1 2026 stream (typed events are the lines without `v`). */
export function decode2026(text: string): Decoded {
  return decodeDeltaV1(splitPayloadLines(text));
}
