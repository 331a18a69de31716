/**
 * @module `POST {B}/f/conversation`, the 2026 write (web-2026.md §1.9, §10 items 10–17, 33): the finalize token, the
 * proof and Turnstile strings of that bundle and the conduit token are each spent here; anonymous writes get the 2026
 * "Unusual activity" 403; then the shared body/cap/fault steps, the serving slug (downgrades included) and the 2026
 * stream.
 */
import { randomUUID } from "node:crypto";
import type { Caller } from "../accounts.ts";
import { acceptTurn, type ConversationDeps, framesOf, recordAnswer, streamTurn } from "../conversation.ts";
import { detail, readJsonObject } from "../http.ts";
import type { ScenarioName } from "../reply-text.ts";
import { buildAnswer } from "../scenario.ts";
import type { EmulatorLogEntry } from "../types.ts";
import { detailMetadata } from "./account-endpoints.ts";
import { checkWriteBody2026 } from "./body-2026.ts";
import type { ConduitTokens } from "./conduit.ts";
import { type HandedOffTurns, handoffEvent } from "./handoff.ts";
import { type ConversationTrees, withPlaceholder } from "./late-images.ts";
import { IMAGE_TURN_SLUG, servedSlug, THINKING_MODELS_2026 } from "./models.ts";
import type { ResumeTokens } from "./resume-token.ts";
import { type TwoPhaseSentinel, UNUSUAL_ACTIVITY } from "./sentinel-2026.ts";
import type { WebMode } from "./settings.ts";
import { encodeTurn2026 } from "./turn-stream.ts";

export interface Write2026Deps extends ConversationDeps {
  mode: WebMode;
  sentinel2026: TwoPhaseSentinel;
  conduits: ConduitTokens;
  resumeTokens: ResumeTokens;
  handoffs: HandedOffTurns;
  trees: ConversationTrees;
}

/** Scenarios whose answer calls a tool (for `server_ste_metadata.tool_invoked`). */
const TOOL_SCENARIOS = new Set<ScenarioName>(["code", "dalle", "image-gen", "image-limit", "browse"]);

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export async function handleWrite2026(request: Request, caller: Caller, deviceId: string, deps: Write2026Deps, entry: EmulatorLogEntry): Promise<Response> {
  const { settings } = deps.mode;
  entry.powVerified = deps.sentinel2026.verifyWrite(request.headers, caller, deviceId).powVerified;
  const { traceMismatch } = deps.conduits.verifyWrite(request.headers, caller, deviceId, settings.requireConduit);
  if (traceMismatch !== undefined) {
    if (settings.turnTraceCheck === "reject") throw detail(400, traceMismatch);
    entry.warnings = [...(entry.warnings ?? []), traceMismatch];
  }
  // RA#5: since 2026-03-24 every no-login write is refused, whatever the client got right before it
  if (caller.kind === "anon" && !settings.anonAllowed) throw detail(403, UNUSUAL_ACTIVITY);

  const raw = await readJsonObject(request);
  checkWriteBody2026(raw);
  const turn = acceptTurn(raw, caller, deps, entry);
  const systemHints = stringList(raw.system_hints);
  // the 2026 way to ask for an image is the picture_v2 hint; a directive still wins
  const directives = turn.directives.scenario === "default" && systemHints.includes("picture_v2") ? { ...turn.directives, scenario: "image-gen" as const } : turn.directives;
  const served = servedSlug({
    requested: turn.body.model,
    systemHints,
    prepareState: typeof raw.client_prepare_state === "string" ? raw.client_prepare_state : undefined,
    miniPool: settings.miniPool,
    downgradeTo: settings.downgradeTo,
  });
  const thinks = THINKING_MODELS_2026.has(served) || directives.scenario === "reasoning";
  const { body, user, conversation } = turn;
  const answer = buildAnswer({
    directives,
    model: served,
    conversationId: conversation.id,
    parentMessageId: body.parentMessageId,
    ...(user ? { user: { id: user.id, content: user.content, metadata: user.metadata } } : {}),
    historyEnabled: body.historyEnabled,
    createTime: deps.now() / 1000,
    ...(thinks ? { thinking: { effort: typeof raw.thinking_effort === "string" ? raw.thinking_effort : "standard" } } : {}),
    finalChannel: true,
    ...(turn.scripted ? { scripted: turn.scripted } : {}),
  });
  recordAnswer(turn, answer, caller, deps);

  const imageTurn = directives.scenario === "image-gen";
  const steSlug = imageTurn && settings.downgradeTo === null ? IMAGE_TURN_SLUG : served;
  entry.servedModel = steSlug;
  const turnExchangeId = randomUUID();
  let frames = framesOf(answer, turn.fault);
  if (imageTurn && settings.asyncImages) {
    // §7.2: the stream shows a placeholder; the finished image is only in the conversation tree (late-images.ts)
    const placed = withPlaceholder(frames, answer.lastMessageId);
    frames = placed.frames;
    deps.trees.keep(caller.id, conversation.id, "Image", answer.finalMessages, placed.taskId, answer.lastMessageId);
  }
  const stream = encodeTurn2026(frames, {
    conversationId: conversation.id,
    turnExchangeId,
    resumeToken: deps.resumeTokens.issue(turnExchangeId),
    encoding: turn.encoding,
    realistic: settings.realisticStream,
    lastMessageId: answer.lastMessageId,
    steMetadata: {
      tool_invoked: TOOL_SCENARIOS.has(directives.scenario),
      turn_use_case: imageTurn ? "image gen" : body.imagePointers.length > 0 ? "multimodal" : "text",
      model_slug: steSlug,
      did_prompt_contain_image: body.imagePointers.length > 0,
      ...(imageTurn ? { tool_name: "image_gen" } : {}),
    },
    detailMetadata: detailMetadata(deps.now()),
  });
  if (settings.handoff !== "none") {
    // §6.4: the HTTP leg ends after the head; the answer waits on the turn's topic (handoff.ts, handoff-socket.ts)
    deps.handoffs.keep({ ownerId: caller.id, conversationId: conversation.id, topicId: stream.turnTopicId, answer: stream.answer });
    return streamTurn({ preamble: stream.head, events: [handoffEvent(conversation.id, turnExchangeId, stream.turnTopicId), "data: [DONE]\n\n"] }, turn, deps);
  }
  return streamTurn({ preamble: stream.head, events: stream.answer }, turn, deps);
}
