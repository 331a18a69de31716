/**
 * @module `POST …/conversation`: sentinel checks, body validation, caps and faults, then the answer streamed in the
 * encoding the request asked for (or legacy when the emulator is told to). The steps after the sentinel
 * (`acceptTurn`, `recordAnswer`, `streamTurn`) are shared with the 2026 `f/conversation` (web2026/write.ts).
 */
import type { Caller } from "./accounts.ts";
import { type ConversationRequest, type InputMessage, validateConversationBody } from "./conversation-body.ts";
import type { ConversationStore, StoredConversation } from "./conversation-store.ts";
import { encodeDeltaV1 } from "./delta-v1.ts";
import { type CapTable, capError, type FaultQueue, faultResponse } from "./faults.ts";
import type { FileStore } from "./file-store.ts";
import type { HoldGate } from "./hold-gate.ts";
import { detail, readJsonObject } from "./http.ts";
import { type EncodedStream, encodeLegacy, errorEvent } from "./legacy.ts";
import { type Directives, parseDirectives } from "./reply-text.ts";
import { type Answer, buildAnswer } from "./scenario.ts";
import type { Sentinel } from "./sentinel.ts";
import { sseResponse } from "./sse-response.ts";
import { type Frame, withoutInProgress } from "./timeline.ts";
import type { EmulatorLogEntry, EmulatorStats, FaultKind } from "./types.ts";
import type { WebScripts } from "./web-scripts.ts";

export interface ConversationDeps {
  sentinel: Sentinel;
  files: FileStore;
  conversations: ConversationStore;
  faults: FaultQueue;
  caps: CapTable;
  stats: EmulatorStats;
  now: () => number;
  legacyOnly: boolean;
  chunkDelayMs: number;
  holdGate: HoldGate;
  /** Scripted replies queued by tests (`emu.scriptWeb`). */
  scripts: WebScripts;
}

/** A request that passed the body, cap and fault checks, with the conversation it goes to. */
export interface AcceptedTurn {
  body: ConversationRequest;
  user: InputMessage | undefined;
  directives: Directives;
  /** The stream-shaping fault this request took, if any. */
  fault: FaultKind | undefined;
  conversation: StoredConversation;
  encoding: "v1" | "legacy";
  /** The chunks of a scripted reply (`emu.scriptWeb`) that answers this turn instead of the echo. */
  scripted: string[] | undefined;
}

const FIRST_TEXT_APPEND = 'event: delta\ndata: {"p":"/message/content/parts/0","o":"append"';

/**
 * The answer with `count` appends of `chars` characters after its first text append, made one at a time as they are
 * sent; later bare `{"v":…}` lines still continue the same append, so the stream stays valid delta v1.
 */
function* flooded(events: string[], count: number, chars: number): Generator<string> {
  const at = events.findIndex((event) => event.startsWith(FIRST_TEXT_APPEND));
  if (at < 0) throw detail(500, "Emulator: the flood fault needs an answer with a text append");
  yield* events.slice(0, at + 1);
  // words, as answers are: an unbroken run would measure the client's tokenizer rather than its streaming
  const text = "flood ".repeat(Math.ceil(chars / 6)).slice(0, chars);
  const piece = `event: delta\ndata: ${JSON.stringify({ p: "/message/content/parts/0", o: "append", v: text })}\n\n`;
  for (let i = 0; i < count; i++) yield piece;
  yield* events.slice(at + 1);
}

function textOf(parts: unknown): string {
  return Array.isArray(parts) ? parts.filter((p): p is string => typeof p === "string").join("\n") : "";
}

/** Validates the body, reads the directives, applies caps and the `conversation` fault, and picks the conversation. */
export function acceptTurn(raw: Record<string, unknown>, caller: Caller, deps: ConversationDeps, entry: EmulatorLogEntry): AcceptedTurn {
  const body = validateConversationBody(raw, caller, deps.files, deps.conversations);
  entry.model = body.model;
  entry.attachments = body.attachments;
  entry.imagePointers = body.imagePointers;

  const user = body.messages.findLast((m) => m.role === "user");
  const directives = parseDirectives(textOf(user && "parts" in user.content ? user.content.parts : undefined));
  if ("error" in directives) throw detail(400, directives.error);

  deps.caps.check(caller.id, body.model);
  const fault = deps.faults.take("conversation", { id: caller.id, ...(caller.kind === "account" ? { email: caller.email } : {}) }, body.model);
  if (fault) {
    const response = faultResponse(fault);
    if (response) throw response;
    if (fault.type === "cap") {
      deps.caps.impose(caller.id, fault.model ?? body.model, fault.clearsInSec);
      throw capError(fault.clearsInSec);
    }
  }
  if (fault?.type === "flood" && !(body.wantsV1 && !deps.legacyOnly)) throw detail(500, "Emulator: the flood fault needs a delta v1 request");
  const conversation = body.conversation ?? deps.conversations.create(caller.id, body.historyEnabled);
  const encoding = body.wantsV1 && !deps.legacyOnly ? "v1" : "legacy";
  entry.encoding = encoding;
  entry.conversationId = conversation.id;
  // taken last: a request refused above must not spend a script
  const scripted = deps.scripts.take({ caller: { id: caller.id, ...(caller.kind === "account" ? { email: caller.email } : {}) }, conversationId: conversation.id, messages: body.messages });
  return { body, user, directives, fault, conversation, encoding, scripted };
}

/** Remembers the turn's messages (so a later turn may name them as parent) and the files it generated. */
export function recordAnswer(turn: AcceptedTurn, answer: Answer, caller: Caller, deps: ConversationDeps): void {
  for (const message of turn.body.messages) turn.conversation.messageIds.add(message.id);
  for (const message of answer.finalMessages) turn.conversation.messageIds.add(message.id);
  for (const file of answer.files) deps.files.addGenerated(caller.id, turn.conversation.id, file);
}

/** The frames to encode: the `no-in-progress` fault keeps only each message's last snapshot. */
export function framesOf(answer: Answer, fault: FaultKind | undefined): Frame[] {
  return fault?.type === "no-in-progress" ? withoutInProgress(answer.frames) : answer.frames;
}

/** Streams an encoded answer, shaped by the turn's fault (error event, cut, hold, flood, slow). */
export function streamTurn(encoded: EncodedStream, turn: AcceptedTurn, deps: ConversationDeps): Response {
  const { fault } = turn;
  let events = [...encoded.preamble, ...encoded.events];
  let cutAfter: number | undefined;
  if (fault?.type === "error-event") {
    const at = encoded.preamble.length + fault.afterEvents;
    events = [...events.slice(0, at), errorEvent(turn.conversation.id, fault.message ?? "Something went wrong while generating the response.", turn.encoding)];
  } else if (fault?.type === "cut") {
    cutAfter = encoded.preamble.length + fault.afterEvents;
  }
  deps.stats.conversations++;
  return sseResponse(fault?.type === "flood" ? flooded(events, fault.events, fault.chars) : events, {
    delayMs: fault?.type === "slow" ? fault.delayMs : deps.chunkDelayMs,
    ...(cutAfter === undefined ? {} : { cutAfter }),
    ...(fault?.type === "hold" ? { hold: { after: encoded.preamble.length + fault.afterEvents, gate: deps.holdGate } } : {}),
    onBytes: (bytes) => {
      deps.stats.streamedBytes += bytes;
    },
  });
}

export async function handleConversation(request: Request, caller: Caller, deps: ConversationDeps, entry: EmulatorLogEntry): Promise<Response> {
  const { powVerified } = deps.sentinel.verifyConversation(request.headers, caller);
  entry.powVerified = powVerified;
  const turn = acceptTurn(await readJsonObject(request), caller, deps, entry);
  const { body, user, conversation } = turn;
  const answer = buildAnswer({
    directives: turn.directives,
    model: body.model,
    conversationId: conversation.id,
    parentMessageId: body.parentMessageId,
    ...(user ? { user: { id: user.id, content: user.content, metadata: user.metadata } } : {}),
    historyEnabled: body.historyEnabled,
    createTime: deps.now() / 1000,
    ...(turn.scripted ? { scripted: turn.scripted } : {}),
  });
  recordAnswer(turn, answer, caller, deps);
  const frames = framesOf(answer, turn.fault);
  return streamTurn(turn.encoding === "v1" ? encodeDeltaV1(frames, conversation.id) : encodeLegacy(frames, conversation.id), turn, deps);
}
